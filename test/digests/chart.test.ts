import { inflateSync } from 'node:zlib';
import { CHART_SIZE, renderChart, type ChartSeries } from '../../src/digests/chart';

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
    { label: 'CEO ↔ President', participation: Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? 1 : null)), kept: Array.from({ length: 12 }, () => 0.5) },
    { label: 'Manager ↔ reps', participation: Array.from({ length: 12 }, (_, i) => Math.min(1, 0.4 + shift * i * 0.05)), kept: Array.from({ length: 12 }, (_, i) => 0.3 + (i % 3) * 0.1) },
  ],
});

describe('The digest chart', () => {
  test('When a history is rendered, then the PNG decodes at the chart size, and another history gives another picture', async () => {
    const a = await renderChart(history(1), 'Check-ins answered and commitments kept, per level');
    const b = await renderChart(history(0), 'Check-ins answered and commitments kept, per level');
    expect(a.svg).toContain('<svg');
    expect(a.svg).toContain('Manager ↔ reps — answered');
    const da = decodePng(a.png);
    const db = decodePng(b.png);
    expect([da.width, da.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect([db.width, db.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect(da.pixels.equals(db.pixels)).toBe(false);
    // Not a blank canvas: some pixels are far from the white background.
    let ink = 0;
    for (let i = 0; i < da.pixels.length; i += 97) if (da.pixels[i]! < 128) ink += 1;
    expect(ink).toBeGreaterThan(50);
    expect((await renderChart(history(1), 'Check-ins answered and commitments kept, per level')).png.equals(a.png)).toBe(true);
  });
});
