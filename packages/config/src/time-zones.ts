/**
 * IANA time zone names spelled exactly. The runtime (V8/ICU) resolves any case of a name
 * (`europe/berlin`) and sends nothing back to tell a misspelling from the real one, while SSM
 * receives the raw text: a window must name its zone exactly as the IANA tz database spells it.
 */

/**
 * IANA names (tzdata 2025b, zones and backward links with a "/") that ICU does not list in
 * `Intl.supportedValuesOf("timeZone")`, which holds only its canonical ids: current names such as
 * Asia/Kolkata or Europe/Kyiv (ICU keeps Asia/Calcutta, Europe/Kiev), Etc/* and the legacy links
 * (US/Pacific, Canada/Eastern). Generated from /usr/share/zoneinfo/tzdata.zi (Z and L lines) minus
 * the runtime list.
 */
export const IANA_NAMES_BEYOND_ICU: readonly string[] = [
  "Africa/Asmara",
  "Africa/Timbuktu",
  "America/Argentina/Buenos_Aires",
  "America/Argentina/Catamarca",
  "America/Argentina/ComodRivadavia",
  "America/Argentina/Cordoba",
  "America/Argentina/Jujuy",
  "America/Argentina/Mendoza",
  "America/Atikokan",
  "America/Atka",
  "America/Ensenada",
  "America/Fort_Wayne",
  "America/Indiana/Indianapolis",
  "America/Kentucky/Louisville",
  "America/Knox_IN",
  "America/Montreal",
  "America/Nipigon",
  "America/Nuuk",
  "America/Pangnirtung",
  "America/Porto_Acre",
  "America/Rainy_River",
  "America/Rosario",
  "America/Santa_Isabel",
  "America/Shiprock",
  "America/Thunder_Bay",
  "America/Virgin",
  "America/Yellowknife",
  "Antarctica/South_Pole",
  "Asia/Ashkhabad",
  "Asia/Choibalsan",
  "Asia/Chongqing",
  "Asia/Chungking",
  "Asia/Dacca",
  "Asia/Harbin",
  "Asia/Ho_Chi_Minh",
  "Asia/Istanbul",
  "Asia/Kashgar",
  "Asia/Kathmandu",
  "Asia/Kolkata",
  "Asia/Macao",
  "Asia/Tel_Aviv",
  "Asia/Thimbu",
  "Asia/Ujung_Pandang",
  "Asia/Ulan_Bator",
  "Asia/Yangon",
  "Atlantic/Faroe",
  "Atlantic/Jan_Mayen",
  "Australia/ACT",
  "Australia/Canberra",
  "Australia/Currie",
  "Australia/LHI",
  "Australia/NSW",
  "Australia/North",
  "Australia/Queensland",
  "Australia/South",
  "Australia/Tasmania",
  "Australia/Victoria",
  "Australia/West",
  "Australia/Yancowinna",
  "Brazil/Acre",
  "Brazil/DeNoronha",
  "Brazil/East",
  "Brazil/West",
  "Canada/Atlantic",
  "Canada/Central",
  "Canada/Eastern",
  "Canada/Mountain",
  "Canada/Newfoundland",
  "Canada/Pacific",
  "Canada/Saskatchewan",
  "Canada/Yukon",
  "Chile/Continental",
  "Chile/EasterIsland",
  "Etc/GMT",
  "Etc/GMT+0",
  "Etc/GMT+1",
  "Etc/GMT+10",
  "Etc/GMT+11",
  "Etc/GMT+12",
  "Etc/GMT+2",
  "Etc/GMT+3",
  "Etc/GMT+4",
  "Etc/GMT+5",
  "Etc/GMT+6",
  "Etc/GMT+7",
  "Etc/GMT+8",
  "Etc/GMT+9",
  "Etc/GMT-0",
  "Etc/GMT-1",
  "Etc/GMT-10",
  "Etc/GMT-11",
  "Etc/GMT-12",
  "Etc/GMT-13",
  "Etc/GMT-14",
  "Etc/GMT-2",
  "Etc/GMT-3",
  "Etc/GMT-4",
  "Etc/GMT-5",
  "Etc/GMT-6",
  "Etc/GMT-7",
  "Etc/GMT-8",
  "Etc/GMT-9",
  "Etc/GMT0",
  "Etc/Greenwich",
  "Etc/UCT",
  "Etc/UTC",
  "Etc/Universal",
  "Etc/Zulu",
  "Europe/Belfast",
  "Europe/Kyiv",
  "Europe/Nicosia",
  "Europe/Tiraspol",
  "Europe/Uzhgorod",
  "Europe/Zaporozhye",
  "Mexico/BajaNorte",
  "Mexico/BajaSur",
  "Mexico/General",
  "Pacific/Chuuk",
  "Pacific/Johnston",
  "Pacific/Kanton",
  "Pacific/Pohnpei",
  "Pacific/Samoa",
  "Pacific/Yap",
  "US/Alaska",
  "US/Aleutian",
  "US/Arizona",
  "US/Central",
  "US/East-Indiana",
  "US/Eastern",
  "US/Hawaii",
  "US/Indiana-Starke",
  "US/Michigan",
  "US/Mountain",
  "US/Pacific",
  "US/Samoa",
];

let exact: Map<string, string> | undefined;

/** Every exact spelling known, by its lower case. */
function spellings(): Map<string, string> {
  if (exact) return exact;
  exact = new Map();
  for (const name of [...Intl.supportedValuesOf("timeZone"), ...IANA_NAMES_BEYOND_ICU, "UTC"])
    exact.set(name.toLowerCase(), name);
  return exact;
}

/** The zone the runtime resolves `tz` to, or undefined when it knows none. */
function resolvedZone(tz: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Why `tz` is not a time zone name SSM gets right, or undefined when it is: an exact IANA spelling
 * (a name with a "/", or UTC) the runtime resolves. A case variant is refused naming the spelling.
 */
export function timeZoneProblem(tz: string): string | undefined {
  const known = spellings().get(tz.toLowerCase());
  if (known !== undefined && known !== tz)
    return `time zone "${tz}" must be spelled exactly as in the IANA tz database: "${known}"`;
  const resolved = resolvedZone(tz);
  if (resolved === undefined || !(tz.includes("/") || tz === "UTC"))
    return `"${tz}" is not an IANA time zone such as Europe/Berlin or UTC`;
  // A name neither list knows (a zone newer than this table) but the runtime resolves: accepted
  // only when the runtime resolves it to itself, so no case variant gets through.
  if (known === undefined && resolved !== tz)
    return `time zone "${tz}" must be spelled exactly as in the IANA tz database (the runtime reads it as "${resolved}")`;
  return undefined;
}
