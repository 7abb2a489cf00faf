// The text of Discord's boost system messages (types 8-11), after the booster's name: `content`
// is the number of boosts applied when more than one; 9-11 also announce the level reached.
import { MessageType } from '@concord/protocol';

const TIER_OF_TYPE: Readonly<Record<number, number>> = {
  [MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_1]: 1,
  [MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_2]: 2,
  [MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_3]: 3,
};

export function isBoostMessage(type: number): boolean {
  return type === MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION || TIER_OF_TYPE[type] !== undefined;
}

export function boostMessageText(type: number, content: string, guildName: string): string {
  const times = /^\d{1,3}$/.test(content) && Number(content) > 1 ? ` ${content} times` : '';
  const tier = TIER_OF_TYPE[type];
  return `just boosted the server${times}!${tier ? ` ${guildName} has achieved Level ${tier}!` : ''}`;
}
