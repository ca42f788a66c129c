import * as openpgp from 'openpgp';
import { DEFAULT_DECODE_LIMITS, tooLargeStreamMessage } from '../pages/limits.ts';

/** The vendor's batches come PGP-encrypted (`.zip.pgp`); a functional error when we cannot open one. */
export class PgpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgpError';
  }
}

/** The decrypted batch would unpack (PGP compression) to more than the stream limit; the message is for the mail room. */
export class PgpTooLargeError extends PgpError {
  constructor(limitBytes: number) {
    super(tooLargeStreamMessage(limitBytes));
    this.name = 'PgpTooLargeError';
  }
}

/** True for an OpenPGP message: ASCII armour, or a binary packet stream starting with an encrypted-session-key packet. */
export function isPgpMessage(data: Buffer, name = ''): boolean {
  if (data.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP MESSAGE-----')) return true;
  if (data.length < 2 || !(data[0]! & 0x80)) return /\.(pgp|gpg)$/i.test(name);
  // Old format: tag in bits 5..2; new format (0x40 set): tag in bits 5..0. 1 = PKESK, 3 = SKESK.
  const tag = data[0]! & 0x40 ? data[0]! & 0x3f : (data[0]! >> 2) & 0x0f;
  return tag === 1 || tag === 3;
}

export interface PgpKey {
  key: openpgp.PrivateKey;
  keyIds: string[];
}

/** Reads the configured private key (armoured or binary) and unlocks it with its passphrase. */
export async function loadPrivateKey(keyData: Buffer, passphrase: string | undefined): Promise<PgpKey> {
  const text = keyData.toString('latin1');
  let key: openpgp.PrivateKey;
  try {
    key = text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')
      ? await openpgp.readPrivateKey({ armoredKey: keyData.toString('utf8') })
      : await openpgp.readPrivateKey({ binaryKey: new Uint8Array(keyData) });
  } catch (err) {
    throw new PgpError(`the PGP private key cannot be read: ${(err as Error).message}`);
  }
  if (!key.isDecrypted()) {
    if (!passphrase) throw new PgpError('the PGP private key is protected by a passphrase, and none is configured (PGP_PASSPHRASE)');
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch {
      throw new PgpError('the PGP passphrase does not unlock the private key');
    }
  }
  return { key, keyIds: key.getKeyIDs().map((k) => k.toHex().toUpperCase()) };
}

/**
 * Decrypts one batch. A message for another key is refused with the key ids it was made for,
 * so the mail room can tell the vendor which key they used. A PGP message may be compressed
 * (zlib, zip, bzip2): a small file could unpack to gigabytes, so decompression stops at
 * `maxBytes` (openpgp counts while it inflates) and the batch is refused (PgpTooLargeError).
 */
export async function decryptBatch(data: Buffer, key: PgpKey, maxBytes = DEFAULT_DECODE_LIMITS.maxStreamBytes): Promise<Buffer> {
  let message: openpgp.Message<Uint8Array>;
  try {
    message = data.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP MESSAGE-----')
      ? await openpgp.readMessage({ armoredMessage: data.toString('utf8') }) as openpgp.Message<Uint8Array>
      : await openpgp.readMessage({ binaryMessage: new Uint8Array(data) });
  } catch (err) {
    throw new PgpError(`ikke en lesbar PGP-melding: ${(err as Error).message}`);
  }
  const recipients = message.getEncryptionKeyIDs().map((k) => k.toHex().toUpperCase());
  if (recipients.length && !recipients.some((r) => key.keyIds.includes(r))) {
    throw new PgpError(`kryptert for en annen nøkkel (${recipients.join(', ')}), ikke for vår (${key.keyIds.join(', ')}); be leverandøren kryptere med NAVs offentlige nøkkel`);
  }
  try {
    // The vendor's files (NAV's test files show it) are encrypted to the primary key, in the old
    // packet format without an integrity check (tag 9); NAV's BouncyCastle reads them, so do we.
    // Corruption is still caught by the zip's CRC-32 per entry and by the XSD; the channel (SFTP)
    // vouches for the sender.
    const { data: out } = await openpgp.decrypt({
      message, decryptionKeys: key.key, format: 'binary',
      config: { allowInsecureDecryptionWithSigningKeys: true, allowUnauthenticatedMessages: true, maxDecompressedMessageSize: maxBytes },
    });
    return Buffer.from(out as Uint8Array);
  } catch (err) {
    if (/decompressed message size exceeded/i.test((err as Error).message)) throw new PgpTooLargeError(maxBytes);
    throw new PgpError(`kan ikke dekrypteres: ${(err as Error).message}`);
  }
}
