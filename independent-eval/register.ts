/**
 * A person register the size of a country, in memory: every synthetic id (Skatteetaten's
 * "Test Norge" convention, month + 80, so none can be a real person) that the independent set
 * may print, plus hundreds of thousands of others. With a register this dense a one-digit
 * "repair" of a misread id can land on somebody else, as it can in the national register.
 *
 * Ids are kept as numbers in one sorted Float64Array (8 bytes each: 5.5 million fit in 44 MB);
 * everything else about a person is derived from the id, so nothing else is stored.
 */
import { MUNICIPALITIES } from './places.ts';
import type { Rng } from './rng.ts';
import { makeRng } from './rng.ts';

export interface PopulationPerson {
  id: string;
  name: string;
  street: string;
  postal: string;
  municipality: string | null;
  district: string | null;
  addressProtection: 'none' | 'fortrolig' | 'strengt-fortrolig';
  skjermet: boolean;
  abroad: boolean;
}

const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function check(digits: number[], weights: number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i]! * digits[i]!;
  const r = 11 - (s % 11);
  return r === 11 ? 0 : r; // 10 means: no valid id with these nine digits
}

/** The 11-digit id for nine digits, or null when no check digit exists. */
export function completeId(nine: string): string | null {
  const d = [...nine].map(Number);
  const k1 = check(d, W1);
  if (k1 === 10) return null;
  const k2 = check([...d, k1], W2);
  if (k2 === 10) return null;
  return `${nine}${k1}${k2}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A synthetic id for a random person aged 16-90 (2 % D-numbers: people living abroad). */
function randomId(r: Rng): string | null {
  const year = 2026 - r.int(16, 90);
  const month = r.int(1, 12);
  const day = r.int(1, DAYS[month - 1]!);
  const dnr = r.chance(0.02);
  // 000-499: born 1900-1999; 500-999 with year >= 2000.
  const ind = year >= 2000 ? r.int(500, 999) : r.int(0, 499);
  return completeId(`${pad(day + (dnr ? 40 : 0))}${pad(month + 80)}${pad(year % 100)}${pad(ind, 3)}`);
}

function hash(s: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

const GIVEN = ['Astrid', 'Håkon', 'Liv', 'Magnus', 'Solveig', 'Sindre', 'Randi', 'Vegard', 'Turid', 'Øystein', 'Ragnhild', 'Petter', 'Gunn', 'Yusuf', 'Amina', 'Krzysztof', 'Agnieszka', 'Thi Lan', 'Reidun', 'Audun', 'Borghild', 'Trygve', 'Linnea', 'Mathias', 'Åse', 'Geir', 'Hege', 'Stian', 'Mona', 'Kjetil'];
const FAMILY = ['Bråten', 'Aasen', 'Myhre', 'Sæther', 'Halvorsen', 'Fossum', 'Rønning', 'Eide', 'Bjørnstad', 'Kowalski', 'Nguyen', 'Hussein', 'Tveit', 'Kvam', 'Løvås', 'Skogen', 'Moen', 'Vold', 'Holm', 'Engen', 'Brekke', 'Sunde', 'Lie', 'Ødegård', 'Gundersen', 'Ruud', 'Nyhus', 'Fjeld', 'Iversen', 'Wold'];
const STREETS = ['Kirkeveien', 'Skolegata', 'Bjørkelia', 'Fjordgløtt', 'Granlia', 'Elvebakken', 'Nedre Slottsgate', 'Solbakken', 'Furuveien', 'Myrvegen', 'Havnegata', 'Lerkeveien', 'Stasjonsveien', 'Bakkehaugen', 'Prestegårdsvegen'];

/** Everything about a person, derived from the id (the same on every machine). */
export function personOf(id: string): PopulationPerson {
  const h = hash(id, 7);
  const h2 = hash(id, 11);
  const abroad = Number(id.slice(0, 2)) > 40;
  const place = MUNICIPALITIES[h % MUNICIPALITIES.length]!;
  const district = place.districts.length ? place.districts[(h >>> 8) % place.districts.length]! : null;
  const p = (h2 % 10_000) / 10_000;
  return {
    id,
    name: `${GIVEN[(h >>> 4) % GIVEN.length]} ${FAMILY[(h2 >>> 6) % FAMILY.length]}`,
    street: abroad ? 'Avenida del Mar 12, 03001 Alicante, Spania' : `${STREETS[(h2 >>> 3) % STREETS.length]} ${1 + ((h >>> 12) % 60)}`,
    postal: abroad ? '' : `${place.postal} ${place.town}`,
    municipality: abroad ? null : place.number,
    district: abroad ? null : district,
    // Rare, but present: protected addresses and NAV employees decide routing before the benefit does.
    addressProtection: p < 0.004 ? 'strengt-fortrolig' : p < 0.012 ? 'fortrolig' : 'none',
    skjermet: p >= 0.012 && p < 0.017,
    abroad,
  };
}

export class PopulationRegister {
  private constructor(private readonly ids: Float64Array) {}

  /** `size` distinct synthetic ids; deterministic for a seed. */
  static build(size: number, seed: number): PopulationRegister {
    const r = makeRng(seed, 0x2e9);
    const ids = new Float64Array(size + Math.ceil(size * 0.02) + 16);
    let n = 0;
    while (n < ids.length) {
      const id = randomId(r);
      if (id) ids[n++] = Number(id);
    }
    ids.sort();
    let k = 0;
    for (let i = 0; i < ids.length && k < size; i++) if (k === 0 || ids[i] !== ids[k - 1]) ids[k++] = ids[i]!;
    if (k < size) throw new Error('register: too many duplicate ids');
    return new PopulationRegister(ids.slice(0, size));
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    if (!/^\d{11}$/.test(id)) return false;
    const v = Number(id);
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = this.ids[mid]!;
      if (x === v) return true;
      if (x < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The person behind an id the register holds; null otherwise. */
  lookup(id: string): PopulationPerson | null {
    return this.has(id) ? personOf(id) : null;
  }

  /** A person drawn at random from the register (an applicant of the set). */
  sample(r: Rng): PopulationPerson {
    return personOf(String(this.ids[r.int(0, this.ids.length - 1)]!).padStart(11, '0'));
  }

  /**
   * The register as the production register file (`ident,gradering,gtKommune,gtBydel,gtLand,
   * skjermet`, issue 10's format): what `intake classify --register` and `intake register import`
   * read. The evaluation loads it through that loader, so it routes as production does.
   */
  *csvLines(): Generator<string> {
    yield 'ident,gradering,gtKommune,gtBydel,gtLand,skjermet';
    for (let i = 0; i < this.ids.length; i++) {
      const p = personOf(String(this.ids[i]!).padStart(11, '0'));
      const gradering = p.addressProtection === 'strengt-fortrolig' ? 'STRENGT_FORTROLIG' : p.addressProtection === 'fortrolig' ? 'FORTROLIG' : 'UGRADERT';
      yield `${p.id},${gradering},${p.municipality ?? ''},${p.district ?? ''},${p.abroad ? 'ESP' : ''},${p.skjermet}`;
    }
  }

  /** A person with a given trait, for documents that must show the protected-address rules. */
  sampleWhere(r: Rng, pred: (p: PopulationPerson) => boolean, tries = 20_000): PopulationPerson {
    for (let i = 0; i < tries; i++) {
      const p = this.sample(r);
      if (pred(p)) return p;
    }
    return this.sample(r);
  }
}
