/*
 * libical's reading of an iCalendar feed (the library behind Evolution and GNOME Calendar),
 * the third parser of `tools/feeds/check_feeds.py` beside Python's recurring-ical-events and
 * ical.js (e2e/tests/feeds.test.mjs).
 *
 * Reads a feed on standard input and prints one JSON object per line for every occurrence
 * starting in [FROM, TO) (Unix seconds): uid, start, end (UTC, ISO 8601), status, summary,
 * description, location. Recurring events are expanded the way a client does: libical's
 * recurrence iterator from DTSTART, each local time read in the feed's VTIMEZONE by libical,
 * minus EXDATEs, each occurrence replaced by the override whose RECURRENCE-ID names the same
 * instant. Siar writes no RDATE or floating
 * time; either makes this program fail rather than guess.
 *
 * Build: gcc -o libical-expand libical_expand.c $(pkg-config --cflags --libs libical)
 * Usage: libical-expand FROM TO < feed.ics
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A feed never holds more occurrences than this before TO; more means a runaway rule. */
#define MAX_STEPS 100000

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "libical-expand: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static char *read_all(FILE *in) {
    size_t size = 0, room = 1 << 16;
    char *text = malloc(room);
    if (!text) fail("out of memory", NULL);
    for (;;) {
        size_t got = fread(text + size, 1, room - size - 1, in);
        size += got;
        if (got == 0) break;
        if (room - size < 2) {
            room *= 2;
            text = realloc(text, room);
            if (!text) fail("out of memory", NULL);
        }
    }
    text[size] = '\0';
    return text;
}

/* The instant a date-time property names, with its TZID read from the feed's VTIMEZONE. */
static time_t instant_of(icalproperty *prop, icalcomponent *event) {
    struct icaltimetype t = icalproperty_get_datetime_with_component(prop, event);
    if (icaltime_is_null_time(t)) fail("no date-time in", icalproperty_as_ical_string(prop));
    if (t.is_date) fail("a date without time in", icalproperty_as_ical_string(prop));
    if (!t.zone) fail("a floating time (no TZID, no Z) in", icalproperty_as_ical_string(prop));
    return icaltime_as_timet_with_zone(t, t.zone);
}

static time_t required_instant(icalcomponent *event, icalproperty_kind kind, const char *name) {
    icalproperty *prop = icalcomponent_get_first_property(event, kind);
    if (!prop) fail("an event without", name);
    return instant_of(prop, event);
}

static void print_json_string(const char *text) {
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; c++) {
        if (*c == '"' || *c == '\\') {
            printf("\\%c", *c);
        } else if (*c < 0x20) {
            printf("\\u%04x", *c);
        } else {
            putchar(*c);
        }
    }
    putchar('"');
}

static void print_instant(time_t t) {
    char text[32];
    struct tm utc;
    gmtime_r(&t, &utc);
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    print_json_string(text);
}

static const char *status_of(icalcomponent *event) {
    icalproperty *prop = icalcomponent_get_first_property(event, ICAL_STATUS_PROPERTY);
    return prop ? icalproperty_get_value_as_string(prop) : "CONFIRMED";
}

static void print_occurrence(icalcomponent *event, time_t start, time_t end) {
    printf("{\"uid\":");
    print_json_string(icalcomponent_get_uid(event));
    printf(",\"start\":");
    print_instant(start);
    printf(",\"end\":");
    print_instant(end);
    printf(",\"status\":");
    print_json_string(status_of(event));
    printf(",\"summary\":");
    print_json_string(icalcomponent_get_summary(event));
    printf(",\"description\":");
    print_json_string(icalcomponent_get_description(event));
    printf(",\"location\":");
    print_json_string(icalcomponent_get_location(event));
    printf("}\n");
}

/* An override prints its own times, where its window says. */
static void print_override(icalcomponent *event, time_t from, time_t to) {
    time_t start = required_instant(event, ICAL_DTSTART_PROPERTY, "DTSTART");
    time_t end = required_instant(event, ICAL_DTEND_PROPERTY, "DTEND");
    if (start >= from && start < to) print_occurrence(event, start, end);
}

struct override {
    const char *uid;
    time_t recurrence_id;
    icalcomponent *event;
    int used;
};

static int is_excluded(icalcomponent *master, time_t start) {
    for (icalproperty *p = icalcomponent_get_first_property(master, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(master, ICAL_EXDATE_PROPERTY)) {
        if (instant_of(p, master) == start) return 1;
    }
    return 0;
}

static struct override *override_for(struct override *all, size_t count, const char *uid,
                                     time_t start) {
    for (size_t i = 0; i < count; i++) {
        if (all[i].recurrence_id == start && strcmp(all[i].uid, uid) == 0) return &all[i];
    }
    return NULL;
}

static void expand(icalcomponent *master, struct override *overrides, size_t count, time_t from,
                   time_t to) {
    icalproperty *dtstart_prop = icalcomponent_get_first_property(master, ICAL_DTSTART_PROPERTY);
    if (!dtstart_prop) fail("an event without", "DTSTART");
    time_t first = instant_of(dtstart_prop, master);
    time_t length = required_instant(master, ICAL_DTEND_PROPERTY, "DTEND") - first;
    if (icalcomponent_get_first_property(master, ICAL_RDATE_PROPERTY))
        fail("RDATE is not expected in a Siar feed", icalcomponent_get_uid(master));
    icalproperty *rrule = icalcomponent_get_first_property(master, ICAL_RRULE_PROPERTY);
    if (!rrule) {
        if (first >= from && first < to) print_occurrence(master, first, first + length);
        return;
    }
    /* The rule steps over wall-clock times (RFC 5545 §3.3.10), and libical's zone makes each
     * one an instant. Given the zoned DTSTART, libical 3.0.16's iterator normalises a local
     * time the clock skips and keeps the shifted hour a week too long (America/Havana, Sunday
     * 00:30, March 2027: the 14th and the 21st at 01:30), which no feed could correct. */
    struct icaltimetype dtstart = icalproperty_get_datetime_with_component(dtstart_prop, master);
    icaltimezone *zone = (icaltimezone *)dtstart.zone;
    struct icaltimetype wall_start = dtstart;
    wall_start.zone = NULL;
    struct icalrecurrencetype rule = icalproperty_get_rrule(rrule);
    if (!icaltime_is_null_time(rule.until) && icaltime_is_utc(rule.until)) {
        /* An UNTIL in UTC, read on the same wall clock as the steps. */
        rule.until = icaltime_convert_to_zone(rule.until, zone);
        rule.until.zone = NULL;
    }
    icalrecur_iterator *steps = icalrecur_iterator_new(rule, wall_start);
    if (!steps) fail("libical cannot iterate", icalproperty_as_ical_string(rrule));
    const char *uid = icalcomponent_get_uid(master);
    for (int step = 0;; step++) {
        if (step == MAX_STEPS) fail("a rule without end", uid);
        struct icaltimetype wall = icalrecur_iterator_next(steps);
        if (icaltime_is_null_time(wall)) break;
        time_t start = icaltime_as_timet_with_zone(wall, zone);
        if (start >= to) break;
        if (is_excluded(master, start)) continue;
        struct override *moved = override_for(overrides, count, uid, start);
        if (moved) {
            moved->used = 1;
            print_override(moved->event, from, to);
        } else if (start >= from) {
            print_occurrence(master, start, start + length);
        }
    }
    icalrecur_iterator_free(steps);
}

int main(int argc, char **argv) {
    if (argc != 3) fail("usage: libical-expand FROM TO < feed.ics", NULL);
    time_t from = (time_t)strtoll(argv[1], NULL, 10);
    time_t to = (time_t)strtoll(argv[2], NULL, 10);
    char *text = read_all(stdin);
    icalcomponent *calendar = icalparser_parse_string(text);
    if (!calendar || icalcomponent_isa(calendar) != ICAL_VCALENDAR_COMPONENT)
        fail("not a VCALENDAR", icalerror_strerror(icalerrno));

    size_t count = 0, room = 64;
    struct override *overrides = malloc(room * sizeof *overrides);
    if (!overrides) fail("out of memory", NULL);
    for (icalcomponent *e = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        icalproperty *rid = icalcomponent_get_first_property(e, ICAL_RECURRENCEID_PROPERTY);
        if (!rid) continue;
        if (count == room) {
            room *= 2;
            overrides = realloc(overrides, room * sizeof *overrides);
            if (!overrides) fail("out of memory", NULL);
        }
        overrides[count++] = (struct override){icalcomponent_get_uid(e), instant_of(rid, e), e, 0};
    }
    for (icalcomponent *e = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        if (!icalcomponent_get_first_property(e, ICAL_RECURRENCEID_PROPERTY))
            expand(e, overrides, count, from, to);
    }
    /* Overrides not reached above (of an occurrence after TO, or of none) still show in
     * clients, on their own. */
    for (size_t i = 0; i < count; i++) {
        if (overrides[i].used) continue;
        if (overrides[i].recurrence_id < to)
            fprintf(stderr, "libical-expand: %s: an override of no occurrence\n", overrides[i].uid);
        print_override(overrides[i].event, from, to);
    }
    icalcomponent_free(calendar);
    free(overrides);
    free(text);
    return 0;
}
