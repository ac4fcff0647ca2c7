/**
 * The plan as one self-contained HTML page (`--html FILE`): a calendar of the horizon with one lane
 * per pool, runs coloured by team, clashes marked, hover details; every window's next runs in its
 * zone and UTC; GPU hours and cost. Inline CSS and JS only, no fonts, images or requests: the page
 * is a CI artifact opened from disk.
 */
import { problemPlace } from "@retrain/config/workspace";
import { counted, describeClash } from "@retrain/windows";
import { NETWORK_PART_LABEL } from "../cost.js";
import type { PlanReport, ScheduleEntry } from "../model.js";
import { NOT_GATING_NOTE, notGatingTotal } from "../stages/gate.js";

/** A report as the page shows it: with its gate when the plan had one (`--gate`). */

const DAY = 86_400_000;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const h = escapeHtml;

/** A stable, well-spread colour per team (golden-angle hues), so a team keeps its colour between plans. */
export function teamColors(teams: readonly string[]): Map<string, string> {
  const sorted = [...new Set(teams)].sort();
  return new Map(sorted.map((t, i) => [t, `hsl(${Math.round((i * 137.508) % 360)} 62% 44%)`]));
}

const usd = (n: number | null) =>
  n === null
    ? "n/a"
    : `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function renderHtml(report: PlanReport): string {
  const colors = teamColors(report.schedule.map((s) => s.team));
  // The calendar shows whole UTC days around the horizon so day lines fall on midnight.
  const start = Math.floor(Date.parse(report.from) / DAY) * DAY;
  const end = Math.ceil(Date.parse(report.to) / DAY) * DAY;
  const days = Math.max(1, Math.round((end - start) / DAY));
  const pct = (t: number) => (((Math.min(Math.max(t, start), end) - start) / (end - start)) * 100).toFixed(4);
  const widthPct = (a: number, b: number) =>
    (((Math.min(b, end) - Math.max(a, start)) / (end - start)) * 100).toFixed(4);

  const lanes = new Map<string, ScheduleEntry[]>();
  for (const s of report.schedule) {
    const key = `${s.environment}/${s.pool}`;
    const list = lanes.get(key);
    if (list) list.push(s);
    else lanes.set(key, [s]);
  }
  const clashesByLane = new Map<string, PlanReport["clashes"]>();
  for (const c of report.clashes) {
    const key = `${c.environment}/${c.pool}`;
    const list = clashesByLane.get(key);
    if (list) list.push(c);
    else clashesByLane.set(key, [c]);
  }

  const axis: string[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * DAY);
    // Day and month on Mondays (the bold week lines) and the first day, the day alone elsewhere:
    // a day column is only a few dozen pixels wide.
    const full = d === 0 || date.getUTCDay() === 1;
    // Past two weeks a column is narrower than "30 Nov": the day after a full label stays blank.
    const afterFull = days > 14 && (d === 1 || date.getUTCDay() === 2);
    const label = full
      ? date.toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "short" })
      : afterFull
        ? ""
        : String(date.getUTCDate());
    axis.push(
      `<div class="day${date.getUTCDay() === 1 ? " monday" : ""}" style="left:${pct(start + d * DAY)}%;width:${(100 / days).toFixed(4)}%">${h(label)}</div>`,
    );
  }

  const laneHtml = [...lanes.keys()].sort().map((key) => {
    const entries = lanes.get(key)!;
    const blocks: string[] = [];
    for (const s of entries) {
      const color = colors.get(s.team)!;
      for (const o of s.occurrences) {
        const a = Date.parse(o.start);
        const b = Date.parse(o.end);
        if (b <= start || a >= end) continue;
        const tip = [
          `${s.team} / ${s.window}${s.enabled ? "" : " (disabled)"}`,
          `pool ${s.environment}/${s.pool}, ${s.mode}`,
          `${s.schedule} in ${s.timezone}: ${s.description}`,
          `${o.start} → ${o.end} UTC`,
        ].join("\n");
        blocks.push(
          `<div class="run${s.enabled ? "" : " disabled"}" tabindex="0" data-team="${h(s.team)}" data-window="${h(s.window)}" ` +
            `style="left:${pct(a)}%;width:${widthPct(a, b)}%;background:${color}" data-tip="${h(tip)}"></div>`,
        );
      }
    }
    for (const c of clashesByLane.get(key) ?? []) {
      for (const o of c.overlaps) {
        const a = Date.parse(o.start);
        const b = Date.parse(o.end);
        if (b <= start || a >= end) continue;
        blocks.push(
          `<div class="clash" tabindex="0" style="left:${pct(a)}%;width:${widthPct(a, b)}%" ` +
            `data-tip="${h(`CLASH\n${describeClash(c)}\nthis overlap: ${o.start} → ${o.end} UTC`)}"></div>`,
        );
      }
    }
    const teams = [...new Set(entries.map((e) => e.team))].sort();
    return (
      `<div class="lane" data-pool="${h(key)}"><div class="lane-label"><strong>${h(key)}</strong>` +
      `<span>${counted(teams.length, "team")}</span></div>` +
      `<div class="track" style="background-size:${(100 / days).toFixed(4)}% 100%">${blocks.join("")}` +
      `<div class="now" style="left:${pct(Date.parse(report.from))}%" title="plan start"></div></div></div>`
    );
  });

  const legend = [...colors].map(
    ([team, color]) => `<span class="legend-item"><i style="background:${color}"></i>${h(team)}</span>`,
  );

  const windowRows = report.schedule.map((s) => {
    const runs = s.nextRuns
      .slice(0, 5)
      .map((r) => `<li>${h(r.local)} <span class="utc">${h(r.utc)}</span></li>`)
      .join("");
    return (
      `<tr><td><i class="swatch" style="background:${colors.get(s.team)}"></i>${h(s.team)}</td><td>${h(s.window)}</td>` +
      `<td>${h(s.environment)}/${h(s.pool)}</td><td><code>${h(s.schedule)}</code><div class="muted">${h(s.description)}</div></td>` +
      `<td>${h(s.timezone)}</td><td>${s.durationHours} h</td><td><ul class="runs">${runs || "<li>none in the horizon</li>"}</ul></td></tr>`
    );
  });

  const notGatingClashes = new Set(report.gate?.notGating.clashIndexes ?? []);
  const notGatingStacks = new Set(report.gate?.notGating.stackIds ?? []);
  const notGatingFindings = new Set(report.gate?.notGating.permissionFindingIndexes ?? []);
  const notGatingNote = `<span class="muted"> (${h(NOT_GATING_NOTE)})</span>`;
  const clashItems = report.clashes.map(
    (c, i) =>
      `<li class="clash-item">${h(describeClash(c))}${notGatingClashes.has(i) ? notGatingNote : ""}</li>`,
  );

  const costRows = report.cost.rows.map(
    (r) =>
      `<tr><td><i class="swatch" style="background:${colors.get(r.team) ?? "#888"}"></i>${h(r.team)}</td>` +
      `<td>${h(r.environment)}/${h(r.pool)}</td><td>${r.instanceCount} × ${h(r.instanceType)}</td><td>${h(r.region)}</td>` +
      `<td class="num">${r.windowHoursPerMonth.toFixed(1)}</td><td class="num">${r.gpuInstanceHoursPerMonth.toFixed(1)}</td>` +
      `<td class="num">${r.hourlyPriceUsd === null ? "n/a" : r.hourlyPriceUsd.toFixed(4)}</td><td class="num">${usd(r.monthlyCostUsd)}</td></tr>`,
  );
  const networkRows = report.cost.network.map(
    (n) =>
      `<tr><td>${h(n.environment)} network</td><td colspan="2">${n.units} × ${h(NETWORK_PART_LABEL[n.part])}</td><td>${h(n.region)}</td>` +
      `<td class="num"></td><td class="num"></td><td class="num">${n.hourlyPriceUsd === null ? "n/a" : n.hourlyPriceUsd.toFixed(4)}</td>` +
      `<td class="num">${usd(n.monthlyCostUsd)}</td></tr>`,
  );
  const alwaysOn = report.cost.alwaysOn.map(
    (p) =>
      `<li>${h(p.environment)}/${h(p.pool)} (${p.instanceCount} × ${h(p.instanceType)}) is never stopped between windows: ` +
      `${usd(p.monthlyCostUsd)}/month around the clock.</li>`,
  );

  const alertRows = (report.alerts ?? []).map(
    (a) =>
      `<tr><td><i class="swatch" style="background:${colors.get(a.team) ?? "#888"}"></i>${h(a.team)}</td>` +
      `<td><ul class="runs">${a.destinations.map((d) => `<li><code>${h(d)}</code></li>`).join("")}</ul></td>` +
      `<td><ul class="runs">${a.missedRunAlarms
        .map(
          (m) =>
            `<li>${h(m.window)}: ${m.kind === "none" ? `<span class="warn">no alarm: ${h(m.reason ?? "")}</span>` : `${h(m.kind)} alarm, ${m.periodHours} h`}</li>`,
        )
        .join("")}</ul></td></tr>`,
  );
  const alerting = report.cost.alerting;
  const alertingRows = (alerting?.rows ?? []).map(
    (r) =>
      `<tr><td>${h(r.team)}</td><td class="num">${r.standardAlarms}</td><td class="num">${r.compositeAlarms}</td>` +
      `<td class="num">${r.kmsKeys}</td><td class="num">${usd(r.monthlyCostUsd)}</td></tr>`,
  );

  const violationItems = report.stacks
    .filter((s) => s.selected)
    .flatMap((s) =>
      s.violations.map(
        (v) =>
          `<li class="${v.enforcementLevel === "mandatory" ? "bad" : "warn"}"><strong>${h(s.project)}/${h(s.stack)}</strong> ` +
          `[${h(v.enforcementLevel)}] ${h(v.policy)}: ${h(v.message)}` +
          `${v.enforcementLevel === "mandatory" && notGatingStacks.has(s.id) ? notGatingNote : ""}</li>`,
      ),
    );
  const errorItems = report.errors.map((e) => {
    const place = problemPlace(e);
    return `<li class="bad">${h(e.file)}${e.key ? ` <code>${h(e.key)}</code>` : ""}${place ? ` (${h(place)})` : ""}: ${h(e.message)}</li>`;
  });

  const permissionFindings = report.permissions.findings.map(
    (f, i) =>
      `<li class="bad"><strong>${h(f.environment)}</strong> ${h(f.file)}: ${h(f.message)}` +
      `${notGatingFindings.has(i) ? notGatingNote : ""}</li>`,
  );
  const permissionRows = report.permissions.checks.map(
    (c) =>
      `<tr class="${c.ok ? "" : "bad"}"><td>${c.ok ? "✓" : "✗"}</td><td>${h(c.environment)}</td><td><a href="${h(c.doc)}">${h(c.flow)}</a></td>` +
      `<td><code>${h(c.role.split("/").pop() ?? c.role)}</code>${c.caller === "its session" ? "" : `<div class="muted">by ${h(c.caller)}</div>`}</td>` +
      `<td><code>${h(c.action)}</code></td><td><code>${h(c.resource)}</code></td>` +
      `<td>${c.expect === "allow" ? "needed" : "forbidden"}: ${h(c.why)}</td><td>${h(c.decision)}</td></tr>`,
  );

  const s = report.summary;
  const verdict = s.exitCode === 0 ? "ok" : "bad";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>retrain plan: ${h(report.from.slice(0, 10))} + ${report.weeks} weeks</title>
<style>${CSS}</style></head>
<body>
<header><h1>retrain plan</h1>
<p class="summary ${verdict}">exit ${s.exitCode}: ${s.planned} of ${s.stacks + s.invalid} stacks planned${s.invalid ? `, ${s.invalid} invalid` : ""}, ${counted(s.resources, "resource")},
${s.mandatory} mandatory and ${s.advisory} advisory ${s.mandatory + s.advisory === 1 ? "violation" : "violations"}, ${counted(s.clashes, "cross-team clash", "cross-team clashes")},
${counted(s.permissionFindings, "permission finding")}, ~${usd(report.cost.totalMonthlyCostUsd)}/month on demand</p>
${gateLine(report)}
<p class="muted">Horizon ${h(report.from)} → ${h(report.to)} (${report.weeks} weeks). Calendar times are UTC; hover a run for details.</p>
</header>
${errorItems.length ? `<section><h2>Invalid input</h2><ul>${errorItems.join("")}</ul></section>` : ""}
<section><h2>Calendar</h2><div class="legend">${legend.join("")}<span class="legend-item"><i class="clash-swatch"></i>clash</span></div>
<div class="calendar"><div class="lane axis"><div class="lane-label"></div><div class="track axis-track">${axis.join("")}</div></div>
${laneHtml.join("\n") || '<p class="muted">No windows.</p>'}</div></section>
<section><h2>Cross-team clashes</h2>${clashItems.length ? `<ul class="clashes">${clashItems.join("")}</ul>` : '<p class="muted">None.</p>'}</section>
${violationItems.length ? `<section><h2>Policy violations</h2><ul>${violationItems.join("")}</ul></section>` : ""}
<section><h2>Permissions proven</h2><p class="muted">Every request each flow makes (needed) or must never make (forbidden),
simulated with iam-simulate against the policies of the role that makes it; each flow links the AWS page it comes from.</p>
${permissionFindings.length ? `<ul>${permissionFindings.join("")}</ul>` : ""}
<table class="permissions"><thead><tr><th></th><th>env</th><th>flow</th><th>role</th><th>action</th><th>resource</th><th>request</th>
<th>decision</th></tr></thead><tbody>${permissionRows.join("")}</tbody></table></section>
<section><h2>Windows and next runs</h2><table class="windows"><thead><tr><th>team</th><th>window</th><th>pool</th><th>schedule</th>
<th>time zone</th><th>holds</th><th>next runs (local, UTC)</th></tr></thead><tbody>${windowRows.join("")}</tbody></table></section>
<section><h2>GPU hours and on-demand cost per month</h2><table class="cost"><thead><tr><th>team</th><th>pool</th><th>instances</th>
<th>region</th><th>window h</th><th>GPU instance h</th><th>$/h</th><th>$/month</th></tr></thead><tbody>${costRows.join("")}${networkRows.join("")}</tbody>
<tfoot><tr><td colspan="7">Total (pools never stopped counted around the clock, once)</td><td class="num">${usd(report.cost.totalMonthlyCostUsd)}</td></tr></tfoot></table>
${alwaysOn.length ? `<ul class="warn-list">${alwaysOn.join("")}</ul>` : ""}
${report.cost.missingPrices.length ? `<p class="warn">No price for ${h(report.cost.missingPrices.join(", "))}; add it to plan.prices.json.</p>` : ""}
<p class="muted">Prices: ${h(report.cost.prices.source)}. A month is ${report.cost.hoursPerMonth} hours.</p></section>
${
  alertRows.length
    ? `<section><h2>Alerts</h2><table class="alerts"><thead><tr><th>team</th><th>destinations</th><th>missed-run alarm per window</th></tr></thead><tbody>${alertRows.join("")}</tbody></table>
<p class="muted">E-mail subscriptions deliver only after the address confirms AWS's message.</p></section>`
    : ""
}
${
  alertingRows.length
    ? `<section><h2>Alerting cost per month</h2><table class="cost"><thead><tr><th>team</th><th>alarms</th><th>composite alarms</th><th>KMS keys</th><th>$/month</th></tr></thead><tbody>${alertingRows.join("")}</tbody>
<tfoot><tr><td colspan="4">Total</td><td class="num">${usd(alerting?.totalMonthlyCostUsd ?? 0)}</td></tr></tfoot></table>
<p class="muted">Prices: ${h(alerting?.prices.source ?? "")} (${h(alerting?.prices.date ?? "")}).</p></section>`
    : ""
}
<div id="tip" role="tooltip" hidden></div>
<script>${JS}</script>
</body></html>
`;
}

const CSS = `
:root{color-scheme:light;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f6f7f9}
body{margin:0 auto;padding:16px 24px;max-width:1600px}
h1{margin:0 0 4px;font-size:22px}h2{font-size:16px;margin:24px 0 8px}
.muted{color:#667085}.summary{font-weight:600;padding:6px 10px;border-radius:6px;display:inline-block;margin:4px 0}
.summary.ok{background:#e3f5e8;color:#17602d}.summary.bad{background:#fde8e8;color:#8a1c1c}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:8px}.legend-item{display:inline-flex;align-items:center;gap:6px}
.legend-item i,.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
.clash-swatch{background:repeating-linear-gradient(45deg,#d92d20 0 3px,#fff 3px 6px);outline:1px solid #d92d20}
.calendar{overflow-x:auto;background:#fff;border:1px solid #d0d5dd;border-radius:8px;padding:8px}
.lane{display:flex;align-items:stretch;min-width:1200px;border-bottom:1px solid #eaecf0}
.lane-label{flex:0 0 150px;padding:6px 8px;display:flex;flex-direction:column;justify-content:center}
.lane-label span{color:#667085;font-size:12px}
.track{position:relative;flex:1;height:44px;background-image:linear-gradient(to right,#eaecf0 1px,transparent 1px)}
.axis-track{height:22px;background:none}.axis .day{position:absolute;top:0;font-size:11px;color:#667085;white-space:nowrap;overflow:visible;padding-left:3px;border-left:1px solid #eaecf0}
.axis .day.monday{border-left:2px solid #98a2b3;color:#344054;font-weight:600}
.run{position:absolute;top:8px;height:28px;min-width:3px;border-radius:3px;opacity:.9;cursor:default}
.run.disabled{opacity:.35}
.run:hover,.run:focus{outline:2px solid #101828;z-index:3}
.clash{position:absolute;top:2px;height:40px;min-width:4px;z-index:2;border:2px solid #d92d20;border-radius:3px;
background:repeating-linear-gradient(45deg,rgba(217,45,32,.55) 0 3px,rgba(255,255,255,.4) 3px 6px)}
.now{position:absolute;top:0;bottom:0;width:2px;background:#101828;opacity:.5}
table{border-collapse:collapse;background:#fff;width:100%;border:1px solid #d0d5dd}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaecf0;vertical-align:top}th{background:#f2f4f7;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:600}
ul.runs{margin:0;padding-left:16px}.utc{color:#667085;font-size:12px;margin-left:6px}
.bad{color:#8a1c1c}.warn,.warn-list{color:#8a5a00}.clashes li{color:#8a1c1c;margin-bottom:4px}
#tip{position:fixed;z-index:10;max-width:420px;white-space:pre-wrap;background:#101828;color:#fff;padding:8px 10px;border-radius:6px;
font-size:12px;pointer-events:none;box-shadow:0 4px 12px rgba(0,0,0,.25)}
`;

// The tooltip: one element moved to whatever carries data-tip, on hover or keyboard focus.
const JS = `
(function(){var tip=document.getElementById("tip");
function show(el,x,y){tip.textContent=el.getAttribute("data-tip");tip.hidden=false;
var w=tip.offsetWidth,hh=tip.offsetHeight;tip.style.left=Math.min(x+12,innerWidth-w-8)+"px";tip.style.top=Math.min(y+12,innerHeight-hh-8)+"px";}
function target(e){return e.target&&e.target.closest?e.target.closest("[data-tip]"):null;}
document.addEventListener("mouseover",function(e){var el=target(e);if(el)show(el,e.clientX,e.clientY);});
document.addEventListener("mousemove",function(e){var el=target(e);if(el)show(el,e.clientX,e.clientY);else tip.hidden=true;});
document.addEventListener("focusin",function(e){var el=target(e);if(el){var r=el.getBoundingClientRect();show(el,r.left,r.bottom);}});
document.addEventListener("focusout",function(){tip.hidden=true;});})();
`;

/** Which stacks gate the exit code, when the plan had a gate (`--gate`); empty otherwise. */
function gateLine(report: PlanReport): string {
  const gate = report.gate;
  if (gate?.mode !== "stacks") return "";
  const other = notGatingTotal(gate);
  const ids = gate.stacks.length ? gate.stacks.map((id) => `<code>${h(id)}</code>`).join(", ") : "none";
  return (
    `<p class="muted">Gated on the stacks this change touches: ${ids}.` +
    (other ? ` ${counted(other, "finding")} ${h(NOT_GATING_NOTE)}.` : "") +
    "</p>"
  );
}
