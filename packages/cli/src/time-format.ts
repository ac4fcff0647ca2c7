/** `Sun 2025-06-01 06:00 +02:00 Europe/Berlin`: an instant as wall-clock time in a zone, for people reading run lists. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatLocal(date: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      // Offsets, not abbreviations: ICU names most zones "GMT+1" in English anyway.
      timeZoneName: "longOffset",
    });
    formatters.set(timeZone, f);
  }
  const part = Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.weekday} ${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${offset(part.timeZoneName)} ${timeZone}`;
}

/** `GMT+02:00` → `+02:00`; plain `GMT` (offset zero) → `+00:00`. */
function offset(name: string | undefined): string {
  const o = (name ?? "").replace(/^GMT/, "");
  return o === "" ? "+00:00" : o;
}
