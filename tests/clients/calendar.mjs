// Imports a calendar feed into ical.js, the iCalendar library of Mozilla's
// Thunderbird, as a calendar app would: its zones registered, each event's
// times resolved through them. Prints one JSON line per event.
//
//   node calendar.mjs <feed.ics>
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], 'utf8')));
for (const zone of calendar.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(zone);
}
for (const component of calendar.getAllSubcomponents('vevent')) {
  const event = new ICAL.Event(component);
  const when = (time) => (time.isDate ? time.toString() : time.toJSDate().toISOString().replace('.000Z', 'Z'));
  console.log(JSON.stringify({
    uid: event.uid,
    summary: event.summary,
    start: when(event.startDate),
    end: when(event.endDate),
    zone: event.startDate.isDate ? null : event.startDate.zone.tzid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue('status'),
  }));
}
