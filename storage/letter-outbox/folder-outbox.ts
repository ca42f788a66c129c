import type { ObjectStore } from '../objects/object-store.ts';
import type { LetterAdapter, LetterChannel, LetterOutbox, OutgoingLetter } from './letter-outbox.ts';

/**
 * The stand-in for print and digital post: each channel a folder in the object store
 * (`outbox/print/…`, `outbox/protected/…`) where a print run or a test picks the letters up. The key
 * is the letter id alone (no personal data in object names); the recipient goes beside it in a small
 * JSON file, as a print service would get it in its order.
 */
export class FolderAdapter implements LetterAdapter {
  constructor(private readonly store: ObjectStore, readonly channel: LetterChannel) {}

  async send(letter: OutgoingLetter): Promise<string> {
    const key = `outbox/${this.channel}/${letter.letterId}`;
    await this.store.put(`${key}.pdf`, letter.pdf, 'application/pdf');
    await this.store.put(`${key}.json`, Buffer.from(JSON.stringify({ letterId: letter.letterId, recipientId: letter.recipientId, language: letter.language })), 'application/json');
    return `${key}.pdf`;
  }
}

export function folderOutbox(store: ObjectStore): LetterOutbox {
  const adapters = { print: new FolderAdapter(store, 'print'), protected: new FolderAdapter(store, 'protected') };
  return { adapter: (channel) => adapters[channel] };
}
