/**
 * Draws a page's operations with @napi-rs/canvas in one of the Debian faces and returns the
 * ink as coverage (0 paper .. 1 full ink) at the scan resolution. The typewriter model strikes
 * each character on its own: uneven pressure, a baseline that jumps, now and then a double strike.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Op, PageSpec } from './content.ts';
import { HAND_FAMILY, type Face } from './fonts.ts';
import type { Rng } from './rng.ts';

export const A4_MM = { w: 210, h: 297 };

export interface InkLayer {
  /** Coverage per pixel, 0..1, row-major. */
  ink: Float32Array;
  width: number;
  height: number;
  dpi: number;
}

export interface RenderStyle {
  face: Face;
  typewriter: boolean;
  /** Darkness of handwriting (ballpoint is lighter than toner), 0..1. */
  handInk: number;
}

function font(ctx: SKRSContext2D, family: string, px: number): void {
  ctx.font = `${px.toFixed(2)}px "${family}"`;
}

function drawText(ctx: SKRSContext2D, op: Extract<Op, { t: 'text' }>, k: number, style: RenderStyle, r: Rng): void {
  const px = (op.size / 72) * 25.4 * k;
  const x = op.x * k;
  const y = op.y * k;
  if (op.hand) {
    ctx.save();
    font(ctx, HAND_FAMILY, px);
    const g = Math.round(255 * (1 - style.handInk));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.translate(x, y);
    ctx.rotate(r.float(-0.06, 0.03));
    ctx.textAlign = op.align ?? 'left';
    ctx.fillText(op.text, 0, 0);
    ctx.restore();
    return;
  }
  const family = op.bold && style.face.bold ? style.face.bold : style.face.family;
  font(ctx, family, px);
  ctx.textAlign = op.align ?? 'left';
  if (!style.typewriter) {
    ctx.fillStyle = '#000';
    ctx.fillText(op.text, x, y);
    return;
  }
  // Typewriter: monospaced strikes, one by one.
  const w = ctx.measureText(op.text).width;
  let cx = op.align === 'right' ? x - w : op.align === 'center' ? x - w / 2 : x;
  ctx.textAlign = 'left';
  for (const ch of op.text) {
    const adv = ctx.measureText(ch).width;
    if (ch !== ' ') {
      const g = Math.round(255 * (1 - r.float(0.55, 1)));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      const dy = r.gauss() * 0.06 * px * 0.3;
      ctx.fillText(ch, cx, y + dy);
      if (r.chance(0.04)) ctx.fillText(ch, cx + r.float(0.3, 1.2), y + dy);
    }
    cx += adv;
  }
}

/** Renders one page at `dpi`; page size A4 portrait. */
export function renderInk(page: PageSpec, dpi: number, style: RenderStyle, r: Rng): InkLayer {
  const k = dpi / 25.4;
  const width = Math.round(A4_MM.w * k);
  const height = Math.round(A4_MM.h * k);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#000';
  for (const op of page.ops) {
    switch (op.t) {
      case 'text':
        drawText(ctx, op, k, style, r);
        break;
      case 'box':
        ctx.lineWidth = Math.max(1, op.lw * k);
        ctx.strokeStyle = '#000';
        ctx.strokeRect(op.x * k, op.y * k, op.w * k, op.h * k);
        break;
      case 'rule':
        ctx.fillStyle = '#000';
        ctx.fillRect(op.x * k, op.y * k, op.w * k, Math.max(1, op.lw * k));
        break;
      case 'shade': {
        const g = Math.round(255 * (1 - op.grey));
        ctx.fillStyle = `rgb(${g},${g},${g})`;
        ctx.fillRect(op.x * k, op.y * k, op.w * k, op.h * k);
        ctx.fillStyle = '#000';
        break;
      }
      case 'comb': {
        ctx.lineWidth = Math.max(1, 0.25 * k);
        ctx.strokeStyle = '#000';
        const px = (op.size / 72) * 25.4 * k;
        font(ctx, style.face.family, px);
        ctx.textAlign = 'center';
        ctx.fillStyle = '#000';
        [...op.text].forEach((d, i) => {
          const x0 = (op.x + i * op.cell) * k;
          ctx.strokeRect(x0, op.y * k, op.cell * k, 5.6 * k);
          ctx.fillText(d, x0 + (op.cell * k) / 2, (op.y + 4.6) * k);
        });
        ctx.textAlign = 'left';
        break;
      }
      case 'check': {
        ctx.lineWidth = Math.max(1, 0.25 * k);
        ctx.strokeStyle = '#000';
        ctx.strokeRect(op.x * k, op.y * k, 3.6 * k, 3.6 * k);
        if (op.checked) {
          ctx.lineWidth = Math.max(1, 0.5 * k);
          ctx.beginPath();
          ctx.moveTo((op.x + 0.5) * k, (op.y + 0.6) * k);
          ctx.lineTo((op.x + 3.1) * k, (op.y + 3.1) * k);
          ctx.moveTo((op.x + 3.1) * k, (op.y + 0.6) * k);
          ctx.lineTo((op.x + 0.5) * k, (op.y + 3.1) * k);
          ctx.stroke();
        }
        break;
      }
    }
  }
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = 1 - rgba[i * 4]! / 255;
  return { ink, width, height, dpi };
}
