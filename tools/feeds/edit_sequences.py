#!/usr/bin/env python3
"""Random edit sequences on a running Siar, each step read back through its calendar feed.

For a few programs, each in a zone drawn from the tz database, a weekly series gets a run of
random edits as staff make them: one session, this and following, all; cancel, restore; a day
off added or removed. After every step the program's feed must read, in each of the three
parsers of `check_feeds.py` (recurring-ical-events, libical, ical.js), exactly as Siar's own
list of sessions; no (UID, RECURRENCE-ID) may lower its SEQUENCE; and a session keeps the UID
it had, unless the step split its series ("this and following" gives the later sessions a new
series and so a new UID, as in every calendar).

Bounded and reproducible: a fixed seed, a fixed number of sequences and steps. Run by
`cargo xtask test` against the demo server, after `check_feeds.py`.

Usage: edit_sequences.py BASE_URL PATH/TO/libical-expand [SEED [SEQUENCES]]
(other seeds and more sequences to explore by hand; CI runs the defaults)
"""

import json
import random
import sys
import time
import urllib.error
import urllib.request
import uuid
import zoneinfo
from datetime import date, datetime, timedelta, timezone
from http.cookiejar import CookieJar
from pathlib import Path

import icalendar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_feeds import differs, iso, parsers_agree, times  # noqa: E402

SEED = 20261203
SEQUENCES = 4
STEPS = 10
COORDINATOR = {"email": "koordinator@siar.example", "password": "siar-demo-koordinator"}
# Local times that fall into a clock change somewhere (midnight, 01:30, 02:30) and plain ones.
TIMES = ["00:00", "00:30", "01:30", "02:30", "09:00", "10:00", "19:30", "23:30"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
OPERATIONS = ["this", "following", "all", "cancel", "restore", "day_off", "day_back"]
# An instance serves its cached feed for up to SIAR_FEED_RECHECK_MS (1 s by default) before
# it asks the database whether the feed changed: wait that long after each edit.
FEED_LAG_SECONDS = 1.1


class Staff:
    """The demo coordinator, signed in: JSON requests with the session and CSRF token."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        status, body = self.send("POST", "/api/v1/auth/login", COORDINATOR)
        assert status == 200, f"sign-in: {status} {body}"
        self.csrf = body["csrf_token"]

    def send(self, method, path, body=None):
        request = urllib.request.Request(
            f"{self.base}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({"X-CSRF-Token": self.csrf} if hasattr(self, "csrf") else {})},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def expect(self, method, path, body, *statuses):
        status, answer = self.send(method, path, body)
        assert status in statuses, f"{method} {path} {json.dumps(body)}: {status} {answer}"
        return status, answer

    def text(self, path):
        with self.opener.open(f"{self.base}{path}", timeout=60) as response:
            return response.read().decode("utf-8")


def changes_clocks(name, year):
    """Whether the zone's offset in January differs from July's (it has daylight saving)."""
    zone = zoneinfo.ZoneInfo(name)
    return (datetime(year, 1, 15, tzinfo=zone).utcoffset()
            != datetime(year, 7, 15, tzinfo=zone).utcoffset())


def zone_for(rng, staff, n, year):
    """A published program in a random zone Siar accepts; two in three change their clocks,
    where the edges are."""
    names = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/"))
    with_dst = [z for z in names if changes_clocks(z, year)]
    while True:
        zone = rng.choice(with_dst if rng.random() < 2 / 3 else names)
        # Unique per run (outside the seeded stream): the same server may be checked twice.
        slug = f"urutan-{n}-{uuid.uuid4().hex[:8]}"
        status, program = staff.send("POST", "/api/v1/programs", {
            "name": f"Urutan acak {n}", "slug": slug, "kind": "storytelling_broadcast",
            "tz": zone, "default_duration_minutes": 60, "status": "published",
            "platform": "YouTube", "stream_url": "https://youtube.com/@perpus",
        })
        if status == 201:
            return program
        assert status == 422 and "tz" in (program or {}).get("errors", {}), f"{zone}: {program}"


def local(day, clock):
    return f"{day.isoformat()}T{clock}:00"


def new_series(rng, staff, program, today):
    """A weekly series starting within half a year, so that many cross a clock change."""
    while True:
        first = today + timedelta(days=rng.randint(2, 180))
        days = sorted(rng.sample(WEEKDAYS, rng.randint(1, 2)), key=WEEKDAYS.index)
        status, _ = staff.expect("POST", "/api/v1/series", {
            "program_id": program["id"], "start_local": local(first, rng.choice(TIMES)),
            "duration_minutes": rng.choice([45, 60, 90]),
            "rule": {"frequency": "weekly", "weekdays": days,
                     "end": {"kind": "count", "count": rng.randint(6, 14)}},
        }, 201, 422)
        if status == 201:
            return


def sessions(staff, program, start, end):
    body = staff.expect("GET", f"/api/v1/sessions?program={program['slug']}&from={iso(start)}"
                               f"&to={iso(end)}&per_page=500", None, 200)[1]
    return body["items"]


def step(rng, staff, program, listed, days_off):
    """One random edit; returns its name, with the status if it was refused (422: a skipped
    local time, say; 409: a day off twice). A refusal must change nothing either."""
    operation = rng.choice(OPERATIONS)
    session = rng.choice(listed)
    path = f"/api/v1/sessions/{session['id']}"
    day = date.fromisoformat(session["start_local"][:10])
    if operation in ("this", "following", "all"):
        moved = day + timedelta(days=rng.choice([0, 0, 1, -1]))
        status, _ = staff.expect("PATCH", path, {
            "scope": operation, "start_local": local(moved, rng.choice(TIMES)),
            "duration_minutes": rng.choice([30, 60, 75]),
            "title": rng.choice([None, "Dongeng, cerita; dan lagu \\ baru"]),
        }, 200, 422)
    elif operation == "cancel":
        status, _ = staff.expect("POST", f"{path}/cancel", {"reason": "Narasumber berhalangan"},
                                 200, 422)
    elif operation == "restore":
        status, _ = staff.expect("POST", f"{path}/restore", None, 200)
    elif operation == "day_off":
        status, blackout = staff.expect("POST", "/api/v1/blackouts", {
            "program_id": program["id"], "day": day.isoformat(), "reason": "Hari libur"}, 201, 409, 422)
        if status == 201:
            days_off.append(blackout["id"])
    elif days_off:
        status, _ = staff.expect(
            "DELETE", f"/api/v1/blackouts/{days_off.pop(rng.randrange(len(days_off)))}", None, 204)
    else:
        return "day_back (none)"
    return operation if status < 300 else f"{operation} ({status})"


def sequences_of(text):
    """SEQUENCE of every component, by (UID, RECURRENCE-ID)."""
    found = {}
    for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
        rid = event.get("RECURRENCE-ID")
        key = (str(event["UID"]), iso(rid.dt) if rid else None)
        found[key] = int(event.get("SEQUENCE", 0))
    return found


def uids_of(listed, occurrences):
    """Each listed session's UID in the feed, where its start, end and status name one."""
    by_times = {}
    for o in occurrences:
        by_times.setdefault((o[1], o[2], o[3]), []).append(o[0])
    found = {}
    for s in listed:
        key = (iso(datetime.fromisoformat(s["starts_at"].replace("Z", "+00:00"))),
               iso(datetime.fromisoformat(s["ends_at"].replace("Z", "+00:00"))),
               "CANCELLED" if s["status"] == "cancelled" else "CONFIRMED")
        if len(by_times.get(key, [])) == 1:
            found[s["id"]] = by_times[key][0]
    return found


def run_sequence(rng, staff, libical, n, today, start, end):
    program = zone_for(rng, staff, n, today.year + 1)
    new_series(rng, staff, program, today)
    path = f"/calendar/programs/{program['slug']}.ics"
    days_off, sequence_seen, uid_seen, history = [], {}, {}, []
    for number in range(STEPS + 1):
        listed = sessions(staff, program, start, end)
        operation = "created" if number == 0 else step(rng, staff, program, listed, days_off)
        history.append(operation)
        listed = sessions(staff, program, start, end)
        what = f"{program['tz']} after {' → '.join(history)}: {path}"
        time.sleep(FEED_LAG_SECONDS)
        text = staff.text(path)
        occurrences = parsers_agree(what, libical, text, start, end)
        expected = sorted((iso(datetime.fromisoformat(s["starts_at"].replace("Z", "+00:00"))),
                           iso(datetime.fromisoformat(s["ends_at"].replace("Z", "+00:00"))),
                           "CANCELLED" if s["status"] == "cancelled" else "CONFIRMED")
                          for s in listed)
        differs(f"{what}: the parsers and Siar", expected, times(occurrences))
        for key, value in sequences_of(text).items():
            assert value >= sequence_seen.get(key, 0), f"{what}: SEQUENCE of {key} went down"
            sequence_seen[key] = value
        for session_id, uid in uids_of(listed, occurrences).items():
            before = uid_seen.get(session_id)
            assert before in (None, uid) or operation == "following", \
                f"{what}: session {session_id} changed UID {before} → {uid}"
            uid_seen[session_id] = uid
    print(f"ok  {program['tz']}: {' → '.join(history)}")


def main():
    base, libical = sys.argv[1].rstrip("/"), sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else SEED
    count = int(sys.argv[4]) if len(sys.argv) > 4 else SEQUENCES
    staff = Staff(base)
    rng = random.Random(seed)
    today = datetime.now(timezone.utc).date()
    start = datetime.now(timezone.utc).replace(microsecond=0)
    end = start + timedelta(days=400)
    for n in range(count):
        run_sequence(rng, staff, libical, n, today, start, end)
    print(f"{count} random edit sequences of {STEPS} steps (seed {seed}): feeds, SEQUENCE and "
          "UIDs hold")


if __name__ == "__main__":
    main()
