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
  UnknownSticker: 10060,
  UnknownPremiumGuildSubscription: 10047,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  UnknownVoiceState: 10065,
  BotsCannotUseEndpoint: 20001,
  OnlyBotsCanUseEndpoint: 20002,
  SlowmodeRateLimited: 20016,
  MaxGuilds: 30001,
  MaxWebhooks: 30007,
  MaxEmojis: 30008,
  MaxPins: 30003,
  MaxRoles: 30005,
  MaxReactions: 30010,
  MaxChannels: 30013,
  MaxInvites: 30016,
  MaxApplicationCommands: 30032,
  MaxAutoModerationRules: 30035,
  MaxStickers: 30039,
  Unauthorized: 40001,
  RequestEntityTooLarge: 40005,
  TargetUserNotConnectedToVoice: 40032,
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
  InvalidJson: 50109,
  InvalidFileUploaded: 50046,
  InvalidStickerSent: 50081,
  InvalidInviteCode: 50020,
  ServerNeedsMoreBoosts: 50101,
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

/** One row of the error table: Discord's numeric code, the HTTP status it travels with, the default message. */
export interface ErrorSpec {
  readonly code: number;
  readonly status: number;
  readonly message: string;
}

/**
 * Every error the REST API answers with, by name. The status lives here, beside the code, so no
 * caller pairs them by hand; a throw site may override the message (e.g. to name a limit). The
 * `satisfies` clause makes a code added to `ErrorCode` without a row here fail to compile.
 */
export const ERRORS = {
  // Answers about the request itself rather than a resource (code 0, as Discord sends them).
  HttpUnauthorized: { code: ErrorCode.General, status: 401, message: '401: Unauthorized' },
  HttpNotFound: { code: ErrorCode.General, status: 404, message: '404: Not Found' },
  HttpMethodNotAllowed: { code: ErrorCode.General, status: 405, message: '405: Method Not Allowed' },
  HttpInternalServerError: { code: ErrorCode.General, status: 500, message: '500: Internal Server Error' },
  RateLimited: { code: ErrorCode.General, status: 429, message: 'You are being rate limited.' },
  UnknownAutoModerationRule: { code: ErrorCode.General, status: 404, message: 'Unknown Auto Moderation Rule' },

  General: { code: ErrorCode.General, status: 400, message: 'General error' },
  UnknownAccount: { code: ErrorCode.UnknownAccount, status: 404, message: 'Unknown Account' },
  UnknownApplication: { code: ErrorCode.UnknownApplication, status: 404, message: 'Unknown Application' },
  UnknownChannel: { code: ErrorCode.UnknownChannel, status: 404, message: 'Unknown Channel' },
  UnknownGuild: { code: ErrorCode.UnknownGuild, status: 404, message: 'Unknown Guild' },
  UnknownIntegration: { code: ErrorCode.UnknownIntegration, status: 404, message: 'Unknown Integration' },
  UnknownInvite: { code: ErrorCode.UnknownInvite, status: 404, message: 'Unknown Invite' },
  UnknownMember: { code: ErrorCode.UnknownMember, status: 404, message: 'Unknown Member' },
  UnknownMessage: { code: ErrorCode.UnknownMessage, status: 404, message: 'Unknown Message' },
  UnknownOverwrite: { code: ErrorCode.UnknownOverwrite, status: 404, message: 'Unknown Overwrite' },
  UnknownRole: { code: ErrorCode.UnknownRole, status: 404, message: 'Unknown Role' },
  UnknownToken: { code: ErrorCode.UnknownToken, status: 404, message: 'Unknown Token' },
  UnknownUser: { code: ErrorCode.UnknownUser, status: 404, message: 'Unknown User' },
  UnknownEmoji: { code: ErrorCode.UnknownEmoji, status: 404, message: 'Unknown Emoji' },
  UnknownWebhook: { code: ErrorCode.UnknownWebhook, status: 404, message: 'Unknown Webhook' },
  UnknownBan: { code: ErrorCode.UnknownBan, status: 404, message: 'Unknown Ban' },
  UnknownSticker: { code: ErrorCode.UnknownSticker, status: 404, message: 'Unknown Sticker' },
  UnknownPremiumGuildSubscription: { code: ErrorCode.UnknownPremiumGuildSubscription, status: 404, message: 'Unknown Premium Guild Subscription' },
  UnknownInteraction: { code: ErrorCode.UnknownInteraction, status: 404, message: 'Unknown interaction' },
  UnknownApplicationCommand: { code: ErrorCode.UnknownApplicationCommand, status: 404, message: 'Unknown application command' },
  UnknownVoiceState: { code: ErrorCode.UnknownVoiceState, status: 404, message: 'Unknown Voice State' },
  BotsCannotUseEndpoint: { code: ErrorCode.BotsCannotUseEndpoint, status: 403, message: 'Bots cannot use this endpoint' },
  OnlyBotsCanUseEndpoint: { code: ErrorCode.OnlyBotsCanUseEndpoint, status: 403, message: 'Only bots can use this endpoint' },
  SlowmodeRateLimited: { code: ErrorCode.SlowmodeRateLimited, status: 429, message: 'You are being rate limited.' },
  MaxGuilds: { code: ErrorCode.MaxGuilds, status: 400, message: 'Maximum number of guilds reached (200)' },
  MaxFriends: { code: ErrorCode.MaxFriends, status: 400, message: 'Maximum number of friends reached' },
  MaxPins: { code: ErrorCode.MaxPins, status: 400, message: 'Maximum number of pins reached (50)' },
  MaxRoles: { code: ErrorCode.MaxRoles, status: 400, message: 'Maximum number of guild roles reached (250)' },
  MaxWebhooks: { code: ErrorCode.MaxWebhooks, status: 400, message: 'Maximum number of webhooks reached' },
  MaxEmojis: { code: ErrorCode.MaxEmojis, status: 400, message: 'Maximum number of emojis reached' },
  MaxStickers: { code: ErrorCode.MaxStickers, status: 400, message: 'Maximum number of stickers reached' },
  MaxReactions: { code: ErrorCode.MaxReactions, status: 400, message: 'Maximum number of reactions reached (20)' },
  MaxChannels: { code: ErrorCode.MaxChannels, status: 400, message: 'Maximum number of guild channels reached (500)' },
  MaxInvites: { code: ErrorCode.MaxInvites, status: 400, message: 'Maximum number of invites reached (1000)' },
  MaxApplicationCommands: { code: ErrorCode.MaxApplicationCommands, status: 400, message: 'Maximum number of application commands reached' },
  MaxAutoModerationRules: { code: ErrorCode.MaxAutoModerationRules, status: 400, message: 'Maximum number of rules of this trigger type reached' },
  Unauthorized: { code: ErrorCode.Unauthorized, status: 401, message: 'Unauthorized. Provide a valid token and try again' },
  RequestEntityTooLarge: { code: ErrorCode.RequestEntityTooLarge, status: 413, message: 'Request entity too large' },
  FileTooLarge: { code: ErrorCode.FileTooLarge, status: 413, message: 'Request entity too large' },
  UserBannedFromGuild: { code: ErrorCode.UserBannedFromGuild, status: 403, message: 'You are banned from this guild' },
  OnlyOneChannelParentIdModified: { code: ErrorCode.OnlyOneChannelParentIdModified, status: 400, message: 'Only one channel can have a parent_id modified at a time' },
  TargetUserNotConnectedToVoice: { code: ErrorCode.TargetUserNotConnectedToVoice, status: 400, message: 'Target user is not connected to voice.' },
  AlreadyCrosspostedMessage: { code: ErrorCode.AlreadyCrosspostedMessage, status: 400, message: 'This message has already been crossposted.' },
  InteractionAlreadyAcknowledged: { code: ErrorCode.InteractionAlreadyAcknowledged, status: 400, message: 'Interaction has already been acknowledged.' },
  MissingAccess: { code: ErrorCode.MissingAccess, status: 403, message: 'Missing Access' },
  InvalidAccountType: { code: ErrorCode.InvalidAccountType, status: 400, message: 'Invalid account type' },
  CannotExecuteOnDMChannel: { code: ErrorCode.CannotExecuteOnDMChannel, status: 400, message: 'Cannot execute action on a DM channel' },
  CannotEditOtherUsersMessage: { code: ErrorCode.CannotEditOtherUsersMessage, status: 403, message: 'Cannot edit a message authored by another user' },
  CannotSendEmptyMessage: { code: ErrorCode.CannotSendEmptyMessage, status: 400, message: 'Cannot send an empty message' },
  CannotSendMessagesToUser: { code: ErrorCode.CannotSendMessagesToUser, status: 403, message: 'Cannot send messages to this user' },
  CannotSendMessagesInNonText: { code: ErrorCode.CannotSendMessagesInNonText, status: 400, message: 'Cannot send messages in a non-text channel' },
  InvalidOAuth2State: { code: ErrorCode.InvalidOAuth2State, status: 400, message: 'Invalid OAuth2 state' },
  MissingPermissions: { code: ErrorCode.MissingPermissions, status: 403, message: 'Missing Permissions' },
  InvalidAuthenticationToken: { code: ErrorCode.InvalidAuthenticationToken, status: 401, message: 'Invalid authentication token provided' },
  TooFewOrTooManyMessagesToDelete: { code: ErrorCode.TooFewOrTooManyMessagesToDelete, status: 400, message: 'You can only bulk delete messages that are between 2 and 100 in count' },
  InvalidWebhookToken: { code: ErrorCode.InvalidWebhookToken, status: 401, message: 'Invalid Webhook Token' },
  InvalidRecipients: { code: ErrorCode.InvalidRecipients, status: 400, message: 'Invalid Recipient(s)' },
  MessageTooOldToBulkDelete: { code: ErrorCode.MessageTooOldToBulkDelete, status: 400, message: 'You can only bulk delete messages that are under 14 days old.' },
  InvalidFormBody: { code: ErrorCode.InvalidFormBody, status: 400, message: 'Invalid Form Body' },
  InviteAcceptedToGuildNotContainingBot: { code: ErrorCode.InviteAcceptedToGuildNotContainingBot, status: 403, message: "An invite was accepted to a guild the application's bot is not in" },
  InvalidApiVersion: { code: ErrorCode.InvalidApiVersion, status: 400, message: 'Invalid API version' },
  CannotDeleteChannelRequiredForCommunity: { code: ErrorCode.CannotDeleteChannelRequiredForCommunity, status: 400, message: 'Cannot delete a channel required for Community guilds' },
  InvalidJson: { code: ErrorCode.InvalidJson, status: 400, message: 'The request body contains invalid JSON.' },
  InvalidFileUploaded: { code: ErrorCode.InvalidFileUploaded, status: 400, message: 'Invalid file uploaded' },
  InvalidStickerSent: { code: ErrorCode.InvalidStickerSent, status: 400, message: 'Invalid sticker sent' },
  InvalidInviteCode: { code: ErrorCode.InvalidInviteCode, status: 400, message: 'Invite code is either invalid or taken.' },
  ServerNeedsMoreBoosts: { code: ErrorCode.ServerNeedsMoreBoosts, status: 400, message: 'This server needs more boosts to perform this action' },
  FriendRequestBlocked: { code: ErrorCode.FriendRequestBlocked, status: 400, message: 'Friend request blocked' },
  BotsCannotHaveFriends: { code: ErrorCode.BotsCannotHaveFriends, status: 400, message: 'Bots cannot have friends' },
  CannotSendFriendRequestToSelf: { code: ErrorCode.CannotSendFriendRequestToSelf, status: 400, message: 'Cannot send friend request to self' },
  NoUsersWithDiscordTag: { code: ErrorCode.NoUsersWithDiscordTag, status: 400, message: 'No users with DiscordTag exist' },
  AlreadyFriends: { code: ErrorCode.AlreadyFriends, status: 400, message: 'You are already friends with that user.' },
  ReactionBlocked: { code: ErrorCode.ReactionBlocked, status: 403, message: 'Reaction was blocked' },
  AutoModerationBlocked: { code: ErrorCode.AutoModerationBlocked, status: 400, message: 'Message was blocked by automatic moderation' },
} as const satisfies { readonly [K in keyof typeof ErrorCode]: ErrorSpec & { readonly code: (typeof ErrorCode)[K] } } & Readonly<Record<string, ErrorSpec>>;

/** The name of a row in `ERRORS`: what the server throws, e.g. `new DomainError('UnknownChannel')`. */
export type ErrorName = keyof typeof ERRORS;

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
