// Discord's JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
// and the body every REST error answers with: {code, message, errors?}.

export const ErrorCode = {
  General: 0,
  UnknownAccount: 10001,
  UnknownApplication: 10002,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownIntegration: 10005,
  UnknownInvite: 10006,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownOverwrite: 10009,
  UnknownRole: 10011,
  UnknownToken: 10012,
  UnknownUser: 10013,
  UnknownEmoji: 10014,
  UnknownWebhook: 10015,
  UnknownBan: 10026,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  BotsCannotUseEndpoint: 20001,
  OnlyBotsCanUseEndpoint: 20002,
  SlowmodeRateLimited: 20016,
  MaxGuilds: 30001,
  MaxPins: 30003,
  MaxRoles: 30005,
  MaxReactions: 30010,
  MaxChannels: 30013,
  MaxInvites: 30016,
  MaxApplicationCommands: 30032,
  Unauthorized: 40001,
  RequestEntityTooLarge: 40005,
  AlreadyCrosspostedMessage: 40033,
  InteractionAlreadyAcknowledged: 40060,
  MissingAccess: 50001,
  InvalidAccountType: 50002,
  CannotExecuteOnDMChannel: 50003,
  CannotEditOtherUsersMessage: 50005,
  CannotSendEmptyMessage: 50006,
  CannotSendMessagesToUser: 50007,
  CannotSendMessagesInNonText: 50008,
  InvalidOAuth2State: 50012,
  MissingPermissions: 50013,
  InvalidAuthenticationToken: 50014,
  InvalidWebhookToken: 50027,
  TooFewOrTooManyMessagesToDelete: 50016,
  MessageTooOldToBulkDelete: 50034,
  InvalidFormBody: 50035,
  InviteAcceptedToGuildNotContainingBot: 50036,
  InvalidApiVersion: 50041,
  FileTooLarge: 40005,
  CannotDeleteChannelRequiredForCommunity: 50074,
  InvalidRecipients: 50033,
  ReactionBlocked: 90001,
  UserBannedFromGuild: 40007,
  OnlyOneChannelParentIdModified: 40009,
  AutoModerationBlocked: 200000,
  MaxFriends: 30002,
  FriendRequestBlocked: 80001,
  BotsCannotHaveFriends: 80002,
  CannotSendFriendRequestToSelf: 80003,
  NoUsersWithDiscordTag: 80004,
  AlreadyFriends: 80007,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Discord's nested field errors: {field: {_errors: [{code, message}]}, arr: {"0": {...}}}. */
export interface FieldErrors {
  _errors?: { code: string; message: string }[];
  [key: string]: FieldErrors | { code: string; message: string }[] | undefined;
}

export interface APIErrorBody {
  code: number;
  message: string;
  errors?: FieldErrors;
}

export interface APIRateLimitBody {
  message: string;
  retry_after: number;
  global: boolean;
  code?: number;
}
