// ical.js's reading of an iCalendar feed (the parser of Thunderbird), shared by the feed test
// (tests/feeds.test.mjs) and the command line below, which tools/feeds/*.py run as their
// third parser beside recurring-ical-events and libical.
//
//   node lib/ical-expand.mjs FROM TO < feed.ics    (FROM, TO: Unix seconds)
//
// prints one JSON object per occurrence starting in [FROM, TO): uid, start, end (UTC, ISO
// 8601), status, summary, description, location.
import ICAL from 'ical.js';

/**
 * Every occurrence of `text` starting in [from, to), with only the feed's own VTIMEZONEs
 * (ical.js has no zone database of its own). Throws on a TZID without its VTIMEZONE or an
 * override without its series.
 */
export function expandFeed(text, from, to) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(zone);
  }
  for (const zoneUse of text.matchAll(/;TZID=([^:;]+)/g)) {
    if (!ICAL.TimezoneService.has(zoneUse[1])) throw new Error(`no VTIMEZONE for ${zoneUse[1]}`);
  }
  const vevents = calendar.getAllSubcomponents('vevent');
  const masters = new Map();
  const singles = [];
  for (const vevent of vevents) {
    // An empty list, or ical.js relates every override in the calendar to every series,
    // whatever its UID (two series at the same local time then swap sessions). A client
    // such as Thunderbird groups them by UID, as below.
    const event = new ICAL.Event(vevent, { exceptions: [] });
    if (event.isRecurrenceException()) continue;
    if (event.isRecurring()) masters.set(event.uid, event); else singles.push(event);
  }
  for (const vevent of vevents) {
    const event = new ICAL.Event(vevent);
    if (!event.isRecurrenceException()) continue;
    const master = masters.get(event.uid);
    if (!master) throw new Error(`override ${event.uid} without its series`);
    master.relateException(event);
  }
  const found = [];
  const keep = (event, start, end) => {
    const s = start.toJSDate();
    if (s < from || s >= to) return;
    const text = (name) => event.component.getFirstPropertyValue(name) ?? '';
    found.push({
      uid: event.uid,
      start: s.toISOString().replace('.000Z', 'Z'),
      end: end.toJSDate().toISOString().replace('.000Z', 'Z'),
      status: text('status') || 'CONFIRMED',
      summary: text('summary'),
      description: text('description'),
      location: text('location'),
    });
  };
  for (const event of singles) keep(event, event.startDate, event.endDate);
  // Iterate a month past the window: a moved session may come from an earlier slot.
  const stop = ICAL.Time.fromJSDate(new Date(to.getTime() + 31 * 86_400_000), true);
  for (const master of masters.values()) {
    const iterator = master.iterator();
    for (let next = iterator.next(); next && next.compare(stop) < 0; next = iterator.next()) {
      const details = master.getOccurrenceDetails(next);
      keep(details.item, details.startDate, details.endDate);
    }
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [from, to] = process.argv.slice(2, 4).map((s) => new Date(Number(s) * 1000));
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  for (const occurrence of expandFeed(Buffer.concat(chunks).toString('utf8'), from, to)) {
    process.stdout.write(`${JSON.stringify(occurrence)}\n`);
  }
}
