import { syntheticId } from './synthetic-ids.ts';

/** A person as the person register (folkeregister stand-in) knows them. */
export interface RegisterPerson {
  id: string;
  name: string;
  municipality: string | null; // kommunenummer; null when living abroad
  district: string | null; // bydel number in the four big cities
  addressProtection: 'none' | 'fortrolig' | 'strengt-fortrolig';
  skjermet: boolean; // NAV employee: own cases handled apart
  abroad: boolean;
  address: string;
}

const FIRST = ['Kari', 'Ola', 'Ingrid', 'Lars', 'Aisha', 'Mohammed', 'Sigrid', 'Henrik', 'Nora', 'Jonas', 'Emma', 'Ole', 'Marte', 'Bjørn', 'Sofie', 'Eirik', 'Fatima', 'Tor', 'Hanne', 'Arne'];
const LAST = ['Nordmann', 'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Berg', 'Haugen', 'Hagen', 'Ali', 'Dahl', 'Lund', 'Solberg', 'Bakken', 'Strand'];
const PLACES: Array<[string, string | null, string]> = [
  ['0301', '030105', 'Bygdøy allé'], ['0301', '030102', 'Thorvald Meyers gate'], ['4601', '460101', 'Strandgaten'],
  ['4601', '460102', 'Inndalsveien'], ['5001', '500101', 'Munkegata'], ['5001', '500104', 'Heimdalsvegen'],
  ['1103', '110306', 'Eiganesveien'], ['3201', null, 'Sandvikaveien'], ['3203', null, 'Askerveien'],
  ['5501', null, 'Storgata'], ['1804', null, 'Sjøgata'], ['4204', null, 'Markens gate'], ['3403', null, 'Torggata'],
  ['3436', null, 'Kongevegen'], ['3437', null, 'Fronsvegen'], ['3439', null, 'Ringebuvegen'],
];

/** Deterministic synthetic register: the same list on every machine, for seeding and fixtures. */
export function personRegister(count = 60): RegisterPerson[] {
  const people: RegisterPerson[] = [];
  for (let i = 0; i < count; i++) {
    const birth = new Date(Date.UTC(1950 + ((i * 7) % 55), (i * 5) % 12, 1 + ((i * 11) % 28)));
    const [municipality, district, street] = PLACES[i % PLACES.length]!;
    const abroad = i % 29 === 28;
    people.push({
      id: syntheticId(birth, 100 + i * 3, { dnr: abroad }),
      name: `${FIRST[i % FIRST.length]} ${LAST[(i * 3) % LAST.length]}`,
      municipality: abroad ? null : municipality,
      district: abroad ? null : district,
      addressProtection: i % 23 === 22 ? 'strengt-fortrolig' : i % 19 === 18 ? 'fortrolig' : 'none',
      skjermet: i % 17 === 16,
      abroad,
      address: abroad ? 'Calle Mayor 5, Alicante, Spania' : `${street} ${1 + (i % 40)}`,
    });
  }
  return people;
}

/** A person as the register file names them (PDL's values). */
function registerLine(p: RegisterPerson): string {
  const gradering = p.addressProtection === 'strengt-fortrolig' ? 'STRENGT_FORTROLIG' : p.addressProtection === 'fortrolig' ? 'FORTROLIG' : 'UGRADERT';
  // The synthetic people abroad live in Spain (see `address`).
  return [p.id, gradering, p.municipality ?? '', p.district ?? '', p.abroad ? 'ESP' : '', p.skjermet ? 'true' : 'false'].join(',');
}

/** The synthetic register as a register file (`intake register import`, `classify --register`). */
export function syntheticRegisterCsv(count = 60): string {
  return ['ident,gradering,gtKommune,gtBydel,gtLand,skjermet', ...personRegister(count).map(registerLine), ''].join('\n');
}
