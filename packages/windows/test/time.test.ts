import { describe, expect, it } from "vitest";
import { formatInZone, isoLocal, isoUtc, wallClock } from "../src/time.js";

describe("wallClock", () => {
  it.each([
    // instant, zone, local ISO, abbreviation
    ["2025-10-18T10:00:00Z", "Europe/Berlin", "2025-10-18T12:00:00+02:00", "GMT+2", "Sat"],
    ["2025-10-18T10:00:00Z", "America/New_York", "2025-10-18T06:00:00-04:00", "EDT", "Sat"],
    ["2025-01-18T10:00:00Z", "America/New_York", "2025-01-18T05:00:00-05:00", "EST", "Sat"],
    ["2025-10-18T10:00:00Z", "Asia/Kathmandu", "2025-10-18T15:45:00+05:45", "GMT+5:45", "Sat"],
    ["2025-10-18T23:30:00Z", "Australia/Sydney", "2025-10-19T10:30:00+11:00", "GMT+11", "Sun"],
    ["2025-10-18T23:30:00Z", "UTC", "2025-10-18T23:30:00+00:00", "UTC", "Sat"],
    ["2025-10-18T09:00:00Z", "Pacific/Marquesas", "2025-10-17T23:30:00-09:30", "GMT-9:30", "Fri"],
    // both instants of the New York fall-back hour read 01:30, told apart by their offsets
    ["2025-11-02T05:30:00Z", "America/New_York", "2025-11-02T01:30:00-04:00", "EDT", "Sun"],
    ["2025-11-02T06:30:00Z", "America/New_York", "2025-11-02T01:30:00-05:00", "EST", "Sun"],
    // milliseconds do not skew the offset
    ["2025-06-01T02:00:00.999Z", "Europe/Berlin", "2025-06-01T04:00:00+02:00", "GMT+2", "Sun"],
  ])("%s in %s is %s (%s)", (instant, zone, local, name, weekday) => {
    const at = new Date(instant);
    const w = wallClock(at, zone);
    expect(isoLocal(at, zone)).toBe(local);
    expect(w.zoneName).toBe(name);
    expect(w.weekday).toBe(weekday);
    expect(formatInZone(at, zone)).toBe(`${local.slice(0, 10)} ${local.slice(11, 16)} ${name}`);
    // the local reading and its offset name the same instant again
    expect(Date.parse(local)).toBe(Math.floor(at.getTime() / 1000) * 1000);
  });

  it("isoUtc drops milliseconds", () => {
    expect(isoUtc(new Date("2026-11-29T03:00:00.123Z"))).toBe("2026-11-29T03:00:00Z");
  });
});
