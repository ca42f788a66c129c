/**
 * Where finished letters leave intake. In production an adapter for NAV's central print and
 * digital post (which picks the channel from the contact register and prints the address it looks
 * up itself) and one for NAV Vikafossen's own dispatch; here a folder in the object store.
 *
 * What an adapter sees is deliberately little: the letter's id (its idempotency key: a letter may be
 * handed over twice after a crash, never with another id), the recipient's id (the dispatch service
 * needs it to find the address), the PDF and its language. Never an address, the case or the claim.
 * A person with a strictly confidential address (kode 6) is never handed to the central print
 * adapter at all: their letters go to the protected adapter, whose dispatch is done inside NAV
 * Vikafossen, so no print vendor learns that the person is protected or where they live.
 */
export type LetterChannel = 'print' | 'protected';

export interface OutgoingLetter {
  letterId: string;
  recipientId: string;
  language: 'nb' | 'nn' | 'en';
  pdf: Buffer;
}

export interface LetterAdapter {
  readonly channel: LetterChannel;
  /** Hands the letter over; returns the adapter's reference. Must be safe to call twice with the same letterId. */
  send(letter: OutgoingLetter): Promise<string>;
}

export interface LetterOutbox {
  adapter(channel: LetterChannel): LetterAdapter;
}
