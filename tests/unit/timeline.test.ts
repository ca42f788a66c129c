import { describe, expect, it } from 'vitest';
import { describeEvent, maskPersonId } from '../../pipeline/status/timeline.ts';
import { describeEventNb as beskriv } from '../../services/timeline-text.ts';
import { EVENT_TYPES } from '../../storage/repositories/events.repository.ts';

const detail = { batchId: 'B1', units: ['4450'], pages: 2, pageNo: 1, unitId: '4450', reason: 'x', rule: 'dagpenger', policy: 'p', caseId: 'SAK1', tema: 'DAG', kind: 'claim', from: 'JP2', into: 'JP1' };

describe('timeline text', () => {
  it.each(EVENT_TYPES)('describes %s in words, for the CLI and the web app', (type) => {
    const d = type === 'delivered' ? { ...detail, units: [{ unitId: '4450' }] } : detail;
    expect(describeEvent({ type, detail: d })).not.toBe(type);
    expect(beskriv(type, d, (u: string) => u)).not.toBe(type);
  });
  it('masks person ids to the birth date', () => {
    expect(maskPersonId('12848512301')).toBe('128485*****');
    expect(maskPersonId(null)).toBeNull();
  });
});
