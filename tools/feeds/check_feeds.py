"""Checks every calendar feed of a running Siar with three independent parsers: Python's
`icalendar` with `recurring-ical-events`, libical (Evolution's library, through the small C
program `libical_expand.c`) and ical.js (Thunderbird's, through `e2e/lib/ical-expand.mjs`;
`npm install` in e2e/ first). Each feed must parse, each parser's expansion of the next twelve
months must equal Siar's own list of sessions (start, end, status), and the parsers must agree
occurrence by occurrence (UID, start, end, status, summary, description, location). Run by
`cargo xtask test` against the demo server.

Usage: python check_feeds.py http://127.0.0.1:3000 PATH/TO/libical-expand
"""

import json
import subprocess
import sys
from pathlib import Path
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

import icalendar
import recurring_ical_events

WINDOW = timedelta(days=365)
ICAL_JS = Path(__file__).resolve().parents[2] / "e2e" / "lib" / "ical-expand.mjs"


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers, response.read()


def get_json(url):
    return json.loads(get(url)[2])


def iso(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def siar_sessions(base, start, end, extra=""):
    """Siar's own list: (start, end, status) of sessions starting in [start, end)."""
    found, page = [], 1
    while True:
        query = f"from={iso(start)}&to={iso(end)}&per_page=500&page={page}{extra}"
        body = get_json(f"{base}/api/v1/sessions?{query}")
        for item in body["items"]:
            status = "CANCELLED" if item["status"] == "cancelled" else "CONFIRMED"
            starts = datetime.fromisoformat(item["starts_at"].replace("Z", "+00:00"))
            ends = datetime.fromisoformat(item["ends_at"].replace("Z", "+00:00"))
            found.append((iso(starts), iso(ends), status))
        if page * body["per_page"] >= body["total"]:
            return sorted(found)
        page += 1


def occurrence(uid, starts, ends, status, summary, description, location):
    """One occurrence as both parsers report it; text fields absent read as empty."""
    return (uid, starts, ends, status, summary or "", description or "", location or "")


def libical_sessions(libical, text, start, end):
    """libical's expansion, as full occurrences starting in [start, end)."""
    return expanded_by("libical", [libical], text, start, end)


def icaljs_sessions(text, start, end):
    """ical.js's expansion, as full occurrences starting in [start, end)."""
    return expanded_by("ical.js", ["node", str(ICAL_JS)], text, start, end)


def expanded_by(name, command, text, start, end):
    """What a command printing one JSON occurrence per line makes of `text`."""
    done = subprocess.run(
        [*command, str(int(start.timestamp())), str(int(end.timestamp()))],
        input=text.encode("utf-8"), capture_output=True, check=False,
    )
    if done.returncode != 0 or done.stderr:
        raise AssertionError(f"{name}: {done.stderr.decode(errors='replace')}")
    found = []
    for line in done.stdout.decode("utf-8").splitlines():
        o = json.loads(line)
        found.append(occurrence(o["uid"], o["start"], o["end"], o["status"], o["summary"],
                                o["description"], o["location"]))
    return sorted(found)


def feed_sessions(text, start, end):
    """recurring-ical-events' expansion, as full occurrences starting in [start, end)."""
    calendar = icalendar.Calendar.from_ical(text)
    found = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        starts = event["DTSTART"].dt
        ends = event["DTEND"].dt
        # recurring-ical-events orders an event's start and end by comparing them in one
        # zone, which Python does by wall clock; a session that starts in the first pass of a
        # repeated hour and ends in the second (Havana, 00:30 on the night clocks go back)
        # comes back swapped. Its two instants are right; order them by the instant.
        if iso(ends) < iso(starts):
            starts, ends = ends, starts
        if not (start <= starts < end):
            continue
        status = str(event.get("STATUS", "CONFIRMED")).upper()
        found.append(occurrence(str(event["UID"]), iso(starts), iso(ends), status,
                                str(event.get("SUMMARY", "")), str(event.get("DESCRIPTION", "")),
                                str(event.get("LOCATION", ""))))
    return sorted(found)


def times(occurrences):
    """What Siar's own list says of each: (start, end, status)."""
    return sorted((o[1], o[2], o[3]) for o in occurrences)


def open_slots(base, start, end):
    """Sessions with a free place in some role, as the volunteering API lists them."""
    found = []
    for item in get_json(f"{base}/api/v1/volunteering/open"):
        if not any(r["capacity"] - r["confirmed"] - r["offered"] > 0 for r in item["roles"]):
            continue
        session = item["session"]
        starts = datetime.fromisoformat(session["starts_at"].replace("Z", "+00:00"))
        ends = datetime.fromisoformat(session["ends_at"].replace("Z", "+00:00"))
        if start <= starts < end:
            found.append((iso(starts), iso(ends), "CANCELLED" if session["cancelled"] else "CONFIRMED"))
    return sorted(found)


def check(base, libical, path, start, end, expected):
    status, headers, body = get(f"{base}{path}")
    assert status == 200, f"{path}: HTTP {status}"
    assert headers["Content-Type"] == "text/calendar; charset=utf-8", path
    text = body.decode("utf-8")
    for tzid in {line.split("TZID=")[1].split(":")[0] for line in text.split("\r\n") if ";TZID=" in line}:
        assert f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n" in text, f"{path}: no VTIMEZONE for {tzid}"
    python = parsers_agree(path, libical, text, start, end)
    differs(f"{path}: the parsers and Siar", expected, times(python))
    print(f"ok  {path}: {len(python)} occurrences, the same in all three parsers")
    return times(python)


def parsers_agree(what, libical, text, start, end):
    """The occurrences all three parsers read in `text`, which must be the same in each."""
    python = feed_sessions(text, start, end)
    for name, got in (("libical", libical_sessions(libical, text, start, end)),
                      ("ical.js", icaljs_sessions(text, start, end))):
        differs(f"{what}: recurring-ical-events and {name}", python, got)
    return python


def differs(what, expected, got):
    if got != expected:
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        raise AssertionError(f"{what} differ\n  missing: {missing}\n  extra: {extra}")


def main():
    base = sys.argv[1].rstrip("/")
    libical = sys.argv[2]
    start = datetime.now(timezone.utc).replace(microsecond=0)
    end = start + WINDOW
    everything = siar_sessions(base, start, end)
    feeds = get_json(f"{base}/api/v1/calendar/feeds")
    assert feeds, "no feeds listed"
    for feed in feeds:
        path = urllib.parse.urlparse(feed["url"]).path
        if path == "/calendar/all.ics":
            expected = everything
        elif path.startswith("/calendar/programs/"):
            slug = path.removeprefix("/calendar/programs/").removesuffix(".ics")
            expected = siar_sessions(base, start, end, f"&program={slug}")
        elif path.startswith("/calendar/types/"):
            kind = path.removeprefix("/calendar/types/").removesuffix(".ics")
            expected = siar_sessions(base, start, end, f"&kind={kind}")
        elif path.startswith("/calendar/partners/"):
            slug = path.removeprefix("/calendar/partners/").removesuffix(".ics")
            partner = get_json(f"{base}/api/v1/partners/slug/{slug}")
            expected = siar_sessions(base, start, end, f"&partner={partner['id']}")
        elif path == "/calendar/open-slots.ics":
            expected = open_slots(base, start, end)
            assert expected, "the demo has sessions that need volunteers"
        else:
            raise AssertionError(f"unexpected feed {path}")
        check(base, libical, path, start, end, expected)

    # The demo's cancelled session, its moved one and a zone with daylight saving are there.
    statuses = {s for _, _, s in everything}
    assert "CANCELLED" in statuses, "the demo has a cancelled session"
    listing = get_json(f"{base}/api/v1/sessions?from={iso(start)}&to={iso(end)}&per_page=500")
    moved = [s for s in listing["items"] if s["detached"] and s["status"] == "scheduled"]
    assert moved, "the demo has a moved session"
    leiden = [s for s in listing["items"] if s["tz"] == "Europe/Amsterdam"]
    utc_hours = {s["starts_at"][11:13] for s in leiden}
    assert len(utc_hours) == 2, f"Leiden's 10:00 falls at two UTC hours over a year: {utc_hours}"
    # Havana's clocks change at midnight: its Sunday 00:30 is skipped once a year and repeated
    # once, and still every Sunday has its session (the feeds above show the same ones).
    havana = [datetime.fromisoformat(s["starts_at"].replace("Z", "+00:00"))
              for s in listing["items"] if s["tz"] == "America/Havana"]
    assert len(havana) >= 50, f"a year of Havana Sundays: {len(havana)}"
    gaps = {(b - a).days for a, b in zip(havana, havana[1:])}
    assert gaps == {6, 7} or gaps == {7}, f"one session a week in Havana: {sorted(gaps)}"
    one = check(base, libical, f"/sessions/{moved[0]['id']}.ics", start, end, [
        (iso(datetime.fromisoformat(moved[0]["starts_at"].replace("Z", "+00:00"))),
         iso(datetime.fromisoformat(moved[0]["ends_at"].replace("Z", "+00:00"))),
         "CONFIRMED"),
    ])
    assert len(one) == 1
    print("recurring-ical-events, libical and ical.js: every feed matches Siar's sessions")


if __name__ == "__main__":
    main()
