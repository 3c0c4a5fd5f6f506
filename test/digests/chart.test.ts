import { inflateSync } from 'node:zlib';
import { CHART_SIZE, renderChart, withData, type ChartSeries } from '../../src/digests/chart';

/** Decodes a PNG far enough to trust it: signature, chunks with their CRC-free layout, IHDR, and the inflated pixel rows. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('ascii');
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = ({ 6: 4, 2: 3, 0: 1, 4: 2 } as Record<number, number>)[data[9]!]!;
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  expect(pixels.length).toBe(height * (1 + width * channels));
  return { width, height, pixels };
}

const history = (shift: number): ChartSeries => ({
  labels: Array.from({ length: 12 }, (_, i) => `W${i + 1}`),
  levels: [
    {
      label: 'CEO ↔ President',
      participation: Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? 1 : null)),
      kept: Array.from({ length: 12 }, () => 0.5),
    },
    {
      label: 'Manager ↔ reps',
      participation: Array.from({ length: 12 }, (_, i) => Math.min(1, 0.4 + shift * i * 0.05)),
      kept: Array.from({ length: 12 }, (_, i) => 0.3 + (i % 3) * 0.1),
    },
  ],
});

describe('The digest chart', () => {
  test('When a history is rendered, then the PNG decodes at the chart size, and another history gives another picture', async () => {
    const a = (await renderChart(history(1), 'Check-ins answered and commitments kept, per level'))!;
    const b = (await renderChart(history(0), 'Check-ins answered and commitments kept, per level'))!;
    expect(a.svg).toContain('<svg');
    expect(a.svg).toContain('Check-ins answered');
    const da = decodePng(a.png);
    const db = decodePng(b.png);
    expect([da.width, da.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect([db.width, db.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect(da.pixels.equals(db.pixels)).toBe(false);
    // Not a blank canvas: some pixels are far from the white background.
    let ink = 0;
    for (let i = 0; i < da.pixels.length; i += 97) if (da.pixels[i]! < 128) ink += 1;
    expect(ink).toBeGreaterThan(50);
    expect((await renderChart(history(1), 'Check-ins answered and commitments kept, per level'))!.png.equals(a.png)).toBe(true);
  });

  test('When ten of twelve months are empty, then only the two with data are drawn; with one, no chart at all', async () => {
    const labels = ['Jan 26', 'Feb 26', 'Mar 26', 'Apr 26', 'May 26', 'Jun 26', 'Jul 26', 'Aug 26', 'Sep 26', 'Oct 26', 'Nov 26', 'Dec 26'];
    const at = (months: Record<number, number>) => labels.map((_, i) => months[i] ?? null);
    const year: ChartSeries = {
      labels,
      levels: [
        { label: 'CEO ↔ President', participation: at({ 10: 1, 11: 1 }), kept: at({}) },
        { label: 'Manager ↔ reps', participation: at({ 10: 0.5, 11: 0.75 }), kept: at({ 11: 0.5 }) },
        { label: 'Nobody here', participation: at({}), kept: at({}) },
      ],
    };
    expect(withData(year)).toEqual({
      labels: ['Nov 26', 'Dec 26'],
      levels: [
        { label: 'CEO ↔ President', participation: [1, 1], kept: [null, null] },
        { label: 'Manager ↔ reps', participation: [0.5, 0.75], kept: [null, 0.5] },
      ],
    });
    const drawn = (await renderChart(year, 'Check-ins answered and commitments kept, per level'))!;
    expect(drawn.svg).toContain('Nov 26');
    expect(drawn.svg).not.toContain('Oct 26');
    expect(
      await renderChart({ ...year, levels: year.levels.map((l) => ({ ...l, participation: at({ 11: 0.5 }), kept: at({}) })) }, 't'),
    ).toBeNull();
  });

  test('When seven levels with long names are drawn, then the legend names each level once, one line each, none over another', async () => {
    const levels = Array.from({ length: 7 }, (_, d) => ({
      label: `Regional vice president of enterprise sales ↔ area director ${d + 1}`,
      participation: Array.from({ length: 6 }, (_, i) => 0.5 + ((i + d) % 5) / 10),
      kept: Array.from({ length: 6 }, (_, i) => 0.4 + ((i * d) % 4) / 10),
    }));
    const { svg } = (await renderChart(
      { labels: ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'], levels },
      'Check-ins answered and commitments kept, per level',
    ))!;
    // The legend's entries: one per level (not two), each on its own line of the column at the right.
    const entries = [
      ...svg.matchAll(/<text[^>]*transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>Regional vice president[^<]*<\/text>/g),
    ].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(entries).toHaveLength(7);
    const ys = entries.map((e) => e.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(14);
    // In the column right of the panels, inside the picture.
    for (const e of entries) expect(e.x).toBeGreaterThan(CHART_SIZE.width - 240);
    expect(Math.max(...ys)).toBeLessThan(CHART_SIZE.height);
  });
});
