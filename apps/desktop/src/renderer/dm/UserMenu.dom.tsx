// A user's right-click menu (member list, message author): message, friend and block items, copy id.
import { RelationshipType } from '@concord/protocol';
import { useMemberStore } from '../state/memberStore.ts';
import { useRelationshipStore } from './relationshipStore.ts';
import { copyText, openDM } from '../session/actions.ts';
import { acceptFriend, blockUser, removeRelationship } from './relationships.ts';
import { MenuItem, runOrToast } from '../ui/Menu.dom.tsx';

export /** A member (right-click in the member list): message, friend and block actions, copy id. */
function UserMenu({ userId }: { userId: string }) {
  const bot = useMemberStore((s) => !!s.users[userId]?.bot);
  return (
    <>
      <MenuItem label="Message" testId="menu-message-user" onClick={() => runOrToast(openDM(userId))} />
      <RelationshipItems userId={userId} bot={bot} />
      <div className="sep" />
      <MenuItem label="Copy User ID" testId="menu-copy-user-id" onClick={() => copyText(userId, 'User ID')} />
    </>
  );
}

export /** Add Friend / Accept / Remove Friend / Cancel Request, and Block / Unblock, for the relationship one has with the user. */
function RelationshipItems({ userId, bot }: { userId: string; bot: boolean }) {
  const type = useRelationshipStore((s) => s.byUserId[userId]?.type);
  const friendItem =
    bot || type === RelationshipType.BLOCKED ? null : type === RelationshipType.FRIEND ? (
      <MenuItem label="Remove Friend" danger testId="menu-remove-friend" onClick={() => runOrToast(removeRelationship(userId))} />
    ) : type === RelationshipType.PENDING_OUTGOING ? (
      <MenuItem label="Cancel Friend Request" testId="menu-cancel-friend" onClick={() => runOrToast(removeRelationship(userId))} />
    ) : (
      <MenuItem label={type === RelationshipType.PENDING_INCOMING ? 'Accept Friend Request' : 'Add Friend'} testId="menu-add-friend" onClick={() => runOrToast(acceptFriend(userId))} />
    );
  return (
    <>
      <div className="sep" />
      {friendItem}
      {type === RelationshipType.BLOCKED ? (
        <MenuItem label="Unblock" testId="menu-unblock" onClick={() => runOrToast(removeRelationship(userId))} />
      ) : (
        <MenuItem label="Block" danger testId="menu-block" onClick={() => runOrToast(blockUser(userId))} />
      )}
    </>
  );
}
