import { sql, type Kysely } from 'kysely';
import { labelOf, levelLabels, ROUND_DEPTH } from '../checkins/levels';
import type { Database } from '../db/types';
import { depthsOf } from '../org/chain';
import { addDays, dayMonth, monthLabel } from '../time/calendar';
import { type Period, periodAround } from '../time/periods';
import { DAY_MS } from '../time/durations';

export interface ChartSeries {
  /** One label per period, oldest first. */
  readonly labels: readonly string[];
  readonly levels: readonly { label: string; participation: readonly (number | null)[]; kept: readonly (number | null)[] }[];
}

export const CHART_SIZE = { width: 960, height: 540 } as const;

/** The fewest periods with data a chart is drawn for: one point is not a trend. */
const MIN_CHART_PERIODS = 2;

/** A percentage axis goes to 100%, or further when a figure does (goal attainment can pass its target). */
const upTo100 = (extent: { max: number }) => Math.max(100, Math.ceil(extent.max / 20) * 20);

/** How wide the legend's column is, and so how much of a level's name it shows. */
const LEGEND_WIDTH = 200;

/**
 * Only the periods that have data, oldest first: a year of which ten months are empty draws two points, not
 * twelve. A level with no data in what remains is left out.
 */
export function withData(series: ChartSeries): ChartSeries {
  const keep = series.labels.map((_, i) => series.levels.some((l) => l.participation[i] != null || l.kept[i] != null));
  const pick = <T>(xs: readonly T[]) => xs.filter((_, i) => keep[i]);
  return {
    labels: pick(series.labels),
    levels: series.levels
      .map((l) => ({ label: l.label, participation: pick(l.participation), kept: pick(l.kept) }))
      .filter((l) => l.participation.some((v) => v != null) || l.kept.some((v) => v != null)),
  };
}

/**
 * The picture of the org and exec digests, in two panels over the same periods: check-ins answered (above) and
 * commitments kept (below) — or the two `panels` a caller names (the monthly pack: goal attainment and check-ins) — one series per level of the cascade in the same colour in both, so the legend names
 * each level once — in a column of its own at the right, a line per level, a long name cut short, so that it
 * never runs over itself or the lines. Rendered to SVG by ECharts on the server and to PNG by resvg; no browser.
 * Only the periods with data are drawn (`withData`): at least two, or no chart (null).
 */
export async function renderChart(
  history: ChartSeries,
  title: string,
  panels: readonly [string, string] = ['Check-ins answered', 'Commitments kept (partly counts half)'],
): Promise<{ svg: string; png: Buffer } | null> {
  const series = withData(history);
  if (series.labels.length < MIN_CHART_PERIODS) return null;
  // Loaded on first use: a process that never renders a chart does not carry either library in memory.
  const echarts = await import('echarts');
  const { Resvg } = await import('@resvg/resvg-js');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_SIZE.width, height: CHART_SIZE.height });
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 100));
  const right = LEGEND_WIDTH + 40;
  const panel = (top: number, name: string) => ({ left: 56, right, top, height: 170, containLabel: false, name });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    title: [
      { text: title, left: 16, top: 8, textStyle: { fontSize: 16 } },
      { text: panels[0], left: 56, top: 44, textStyle: { fontSize: 12, fontWeight: 'normal' } },
      { text: panels[1], left: 56, top: 282, textStyle: { fontSize: 12, fontWeight: 'normal' } },
    ],
    legend: {
      orient: 'vertical',
      right: 16,
      top: 70,
      itemGap: 12,
      data: series.levels.map((l) => l.label),
      textStyle: { fontSize: 11, width: LEGEND_WIDTH - 45, overflow: 'truncate' },
    },
    grid: [panel(70, 'answered'), panel(308, 'kept')],
    xAxis: [
      { type: 'category', gridIndex: 0, data: [...series.labels], axisLabel: { show: false } },
      { type: 'category', gridIndex: 1, data: [...series.labels] },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: upTo100, axisLabel: { formatter: '{value}%' } },
      { type: 'value', gridIndex: 1, min: 0, max: upTo100, axisLabel: { formatter: '{value}%' } },
    ],
    series: series.levels.flatMap((l) => [
      { name: l.label, type: 'line', xAxisIndex: 0, yAxisIndex: 0, data: l.participation.map(pct), connectNulls: true, symbolSize: 6 },
      {
        name: l.label,
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: l.kept.map(pct),
        connectNulls: true,
        symbolSize: 6,
        lineStyle: { type: 'dashed' },
      },
    ]),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render().asPng();
  return { svg, png: Buffer.from(png) };
}

/** Participation and kept-rate per level of the tree for the `count` periods ending with `last`, from Cascade's own tables. */
export async function chartHistory(db: Kysely<Database>, teamId: string, last: Period, count = 12): Promise<ChartSeries> {
  const kind = Math.round((Date.parse(`${last.end}T00:00:00Z`) - Date.parse(`${last.start}T00:00:00Z`)) / DAY_MS) === 6 ? 'week' : 'month';
  const periods: Period[] = [last];
  while (periods.length < count) periods.unshift(periodAround(kind, addDays(periods[0]!.start, -1)));
  const first = periods[0]!.start;
  const bucket = kind === 'week' ? sql`date_trunc('week', r.occurrence)::date` : sql`date_trunc('month', r.occurrence)::date`;
  const window = sql<boolean>`r.occurrence between ${first}::date and ${last.end}::date`;
  const held = await sql<{ depth: number; start: string; answered: number; held: number }>`
    select ${ROUND_DEPTH} as depth, ${bucket}::text as start,
           count(*) filter (where c.status = 'answered')::int as answered,
           count(*) filter (where c.status in ('answered', 'missed'))::int as held
    from checkin c join round r on r.id = c.round_id join cadence k on k.id = r.cadence_id
    where c.team_id = ${teamId} and c.part = 'member' and ${window}
    group by 1, 2`.execute(db);
  // A commitment belongs to the level of the leader it was made to (one to the organisation to none).
  const mbucket = kind === 'week' ? sql`date_trunc('week', m.closed_at)::date` : sql`date_trunc('month', m.closed_at)::date`;
  const keptRows = await sql<{ leader_id: string; start: string; done: number; closed: number }>`
    select m.leader_id, ${mbucket}::text as start,
           (count(*) filter (where m.status = 'done') + 0.5 * count(*) filter (where m.status = 'partly'))::float8 as done, count(*)::int as closed
    from commitment m
    where m.team_id = ${teamId} and m.leader_id is not null and m.status in ('done', 'partly', 'missed') and m.closed_at::date between ${first}::date and ${last.end}::date
    group by 1, 2`.execute(db);
  const depths = keptRows.rows.length > 0 ? await depthsOf(db, teamId) : new Map<string, number>();
  const kept = keptRows.rows.flatMap((k) => (depths.has(k.leader_id) ? [{ ...k, depth: depths.get(k.leader_id)! }] : []));
  const labels = await levelLabels(db, teamId, window);
  const levels = [...new Set([...held.rows.map((h) => h.depth), ...kept.map((k) => k.depth)])].sort((a, b) => a - b);
  return {
    labels: periods.map((p) => (kind === 'week' ? dayMonth(p.start) : monthLabel(p.start, 'axis'))),
    levels: levels.map((depth) => ({
      label: labelOf(labels, depth),
      participation: periods.map((p) => {
        const row = held.rows.find((h) => h.depth === depth && h.start === p.start);
        return row && row.held > 0 ? row.answered / row.held : null;
      }),
      kept: periods.map((p) => {
        const rows = kept.filter((k) => k.depth === depth && k.start === p.start);
        const closed = rows.reduce((n, r) => n + r.closed, 0);
        return closed > 0 ? rows.reduce((n, r) => n + r.done, 0) / closed : null;
      }),
    })),
  };
}
