import type { RoutingPerson } from '../../pipeline/route/route.ts';

/** Address protection as PDL names it (adressebeskyttelse.gradering); none recorded = UGRADERT. */
export const GRADERINGER = ['STRENGT_FORTROLIG', 'STRENGT_FORTROLIG_UTLAND', 'FORTROLIG', 'UGRADERT'] as const;
export type Gradering = (typeof GRADERINGER)[number];

/** What the register says about one person: PDL's own names, plus the skjerming register's answer. */
export interface RegisterEntry {
  ident: string;
  gradering: Gradering;
  gtKommune: string | null;
  gtBydel: string | null;
  /** Country (ISO 3166 alpha-3, as PDL gives it) when the person lives abroad. */
  gtLand: string | null;
  /** A NAV employee (skjermet): their own cases are handled apart. */
  skjermet: boolean;
}

/**
 * The person register: PDL in production (storage/person-register/pdl-register.ts), a table
 * loaded from a CSV file standalone (table-register.ts), a CSV in memory for the dry run
 * (file-register.ts). Look-ups are batched: one call for every id a document might hold.
 */
export interface PersonRegister {
  readonly kind: 'table' | 'pdl' | 'file';
  /** The entries of the ids the register knows; unknown ids are absent from the map. */
  lookup(idents: readonly string[]): Promise<Map<string, RegisterEntry>>;
}

/** Routing's view of a person: kode 6 (also abroad) and kode 7, skjermet, municipality/district, abroad. */
export function toRoutingPerson(e: RegisterEntry): RoutingPerson {
  const addressProtection = e.gradering === 'STRENGT_FORTROLIG' || e.gradering === 'STRENGT_FORTROLIG_UTLAND'
    ? 'strengt-fortrolig'
    : e.gradering === 'FORTROLIG' ? 'fortrolig' : 'none';
  return {
    addressProtection,
    skjermet: e.skjermet,
    abroad: Boolean(e.gtLand) && !e.gtKommune,
    municipality: e.gtKommune,
    district: e.gtBydel,
  };
}

/** One person's routing facts, or null when the register does not know the id. */
export async function routingPerson(register: PersonRegister, ident: string): Promise<RoutingPerson | null> {
  const e = (await register.lookup([ident])).get(ident);
  return e ? toRoutingPerson(e) : null;
}

/**
 * A per-process cache in front of a register: entries (and "not known") are kept `ttlMs`, the
 * least recently used dropped beyond `size`. Concurrent look-ups of the same ids share one call.
 */
export class CachedRegister implements PersonRegister {
  private readonly cache = new Map<string, { entry: RegisterEntry | null; until: number }>();
  private readonly inFlight = new Map<string, Promise<RegisterEntry | null>>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: PersonRegister,
    private readonly ttlMs: number,
    private readonly size: number,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  async lookup(idents: readonly string[]): Promise<Map<string, RegisterEntry>> {
    const now = Date.now();
    const out = new Map<string, RegisterEntry>();
    const wanted: string[] = [];
    const waits: Array<Promise<void>> = [];
    for (const id of new Set(idents)) {
      const c = this.cache.get(id);
      if (c && c.until > now) {
        this.hits++;
        this.cache.delete(id);
        this.cache.set(id, c); // most recently used last
        if (c.entry) out.set(id, c.entry);
        continue;
      }
      const pending = this.inFlight.get(id);
      if (pending) waits.push(pending.then((e) => void (e && out.set(id, e))));
      else wanted.push(id);
    }
    if (wanted.length) {
      this.misses += wanted.length;
      const call = this.inner.lookup(wanted);
      for (const id of wanted) this.inFlight.set(id, call.then((m) => m.get(id) ?? null));
      try {
        const got = await call;
        for (const id of wanted) {
          const e = got.get(id) ?? null;
          if (e) out.set(id, e);
          if (this.ttlMs > 0 && this.size > 0) this.cache.set(id, { entry: e, until: Date.now() + this.ttlMs });
        }
        while (this.cache.size > this.size) this.cache.delete(this.cache.keys().next().value!);
      } finally {
        for (const id of wanted) this.inFlight.delete(id);
      }
    }
    await Promise.all(waits);
    return out;
  }

  /** Forget everything (after a register import). */
  clear(): void {
    this.cache.clear();
  }
}
