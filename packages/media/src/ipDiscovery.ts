// The UDP IP-discovery packet (Discord's): the client sends a request carrying its SSRC, the server
// answers with the address and port it saw the request come from, so a client behind NAT learns
// what to put in select protocol. Both directions are 74 bytes:
// u16 type (1 request, 2 answer) | u16 length (70) | u32 ssrc | 64-byte NUL-padded address | u16 port,
// all big-endian.
import { IP_DISCOVERY_LENGTH } from '@concord/protocol';

export const IP_DISCOVERY_REQUEST = 1;
export const IP_DISCOVERY_ANSWER = 2;
/** The length field: the bytes after type and length. */
export const IP_DISCOVERY_BODY_LENGTH = IP_DISCOVERY_LENGTH - 4;
const ADDRESS_OFFSET = 8;
const ADDRESS_BYTES = 64;
const PORT_OFFSET = IP_DISCOVERY_LENGTH - 2;

export interface IpDiscoveryPacket {
  type: typeof IP_DISCOVERY_REQUEST | typeof IP_DISCOVERY_ANSWER;
  ssrc: number;
  /** Empty in a request. */
  address: string;
  port: number;
}

/** Cheap check for the hot path: the size and type/length words of a request. */
export function isIpDiscoveryRequest(packet: Uint8Array): boolean {
  return (
    packet.length === IP_DISCOVERY_LENGTH &&
    packet[0] === 0 && packet[1] === IP_DISCOVERY_REQUEST &&
    packet[2] === 0 && packet[3] === IP_DISCOVERY_BODY_LENGTH
  );
}

/** Encodes a request (address empty, port 0) or an answer. The address must fit in 63 bytes of UTF-8. */
export function encodeIpDiscovery(packet: IpDiscoveryPacket, out: Buffer = Buffer.alloc(IP_DISCOVERY_LENGTH)): Buffer {
  if (out.length < IP_DISCOVERY_LENGTH) throw new RangeError(`IP discovery needs ${String(IP_DISCOVERY_LENGTH)} bytes`);
  out.fill(0, 0, IP_DISCOVERY_LENGTH);
  out.writeUInt16BE(packet.type, 0);
  out.writeUInt16BE(IP_DISCOVERY_BODY_LENGTH, 2);
  out.writeUInt32BE(packet.ssrc >>> 0, 4);
  const written = out.write(packet.address, ADDRESS_OFFSET, ADDRESS_BYTES - 1, 'utf8');
  if (written < Buffer.byteLength(packet.address, 'utf8')) throw new RangeError('IP discovery address longer than 63 bytes');
  out.writeUInt16BE(packet.port, PORT_OFFSET);
  return out.subarray(0, IP_DISCOVERY_LENGTH);
}

/** Decodes either direction; null for anything that is not exactly a well-formed 74-byte packet. */
export function decodeIpDiscovery(packet: Uint8Array): IpDiscoveryPacket | null {
  if (packet.length !== IP_DISCOVERY_LENGTH) return null;
  const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  const type = view.readUInt16BE(0);
  if ((type !== IP_DISCOVERY_REQUEST && type !== IP_DISCOVERY_ANSWER) || view.readUInt16BE(2) !== IP_DISCOVERY_BODY_LENGTH) return null;
  let end = ADDRESS_OFFSET;
  while (end < ADDRESS_OFFSET + ADDRESS_BYTES && view[end] !== 0) end++;
  // The address must be NUL-terminated inside its 64 bytes and NUL-padded after.
  if (end === ADDRESS_OFFSET + ADDRESS_BYTES) return null;
  for (let i = end; i < ADDRESS_OFFSET + ADDRESS_BYTES; i++) if (view[i] !== 0) return null;
  return {
    type,
    ssrc: view.readUInt32BE(4),
    address: view.toString('utf8', ADDRESS_OFFSET, end),
    port: view.readUInt16BE(PORT_OFFSET),
  };
}
