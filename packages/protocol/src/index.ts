// The wire contract shared by the server, the SDK and every client.
export * from './snowflake.ts';
export * from './permissions.ts';
export * from './gateway.ts';
export * from './types.ts';
export * from './errors.ts';
export * from './schemas.ts';
export * from './bots.ts';
export { LinearRegex, MAX_REGEX_PROGRAM_SIZE, RegexSyntaxError, type LinearMatch, type SearchResult } from './linearRegex.ts';
export * from './codec/GatewayCodec.ts';
export * from './codec/JsonCodec.ts';
export * from './codec/BinaryCodec.ts';
export * from './dispatchEvents.ts';
export * from './voice.ts';
export * from './detectable.ts';
export * from './premium.ts';
export * from './expressions.ts';
