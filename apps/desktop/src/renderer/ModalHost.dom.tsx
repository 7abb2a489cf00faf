// Renders whichever modal or settings screen the UI store says is open.
import { useUiStore } from './state/uiStore.ts';
import { AddGuildModal } from './guild/AddGuildModal.dom.tsx';
import { CreateChannelModal } from './guild/CreateChannelModal.dom.tsx';
import { InviteModal } from './guild/InviteModal.dom.tsx';
import { CreateDMModal } from './dm/CreateDMModal.dom.tsx';
import { Modal } from './ui/Modal.dom.tsx';
import { GuildSettings } from './guild/GuildSettings.dom.tsx';
import { ChannelSettings } from './guild/ChannelSettings.dom.tsx';
import { UserSettings } from './settings/UserSettings.dom.tsx';
import { InteractionModal } from './bots/InteractionModal.dom.tsx';

export function ModalHost() {
  const modal = useUiStore((s) => s.modal);
  if (!modal) return null;
  switch (modal.kind) {
    case 'addGuild':
      return <AddGuildModal step={modal.step} initialCode={modal.code ?? ''} />;
    case 'createChannel':
      return <CreateChannelModal guildId={modal.guildId} parentId={modal.parentId} category={modal.category} />;
    case 'invite':
      return <InviteModal guildId={modal.guildId} channelId={modal.channelId} />;
    case 'createDM':
      return <CreateDMModal />;
    case 'guildSettings':
      return <GuildSettings guildId={modal.guildId} tab={modal.tab} />;
    case 'channelSettings':
      return <ChannelSettings channelId={modal.channelId} tab={modal.tab} />;
    case 'userSettings':
      return <UserSettings tab={modal.tab} />;
    case 'interactionModal':
      return <InteractionModal key={modal.modal.customId} modal={modal.modal} applicationId={modal.applicationId} channelId={modal.channelId} messageId={modal.messageId} />;
    case 'confirm':
      return (
        <Modal
          title={modal.title}
          align="left"
          testId="confirm-modal"
          footer={
            <>
              <button className="btn link" onClick={() => useUiStore.getState().closeModal()}>
                Cancel
              </button>
              <button
                className={`btn ${modal.danger ? 'danger' : ''}`}
                data-testid="confirm-button"
                autoFocus
                onClick={() => {
                  useUiStore.getState().closeModal();
                  modal.onConfirm();
                }}
              >
                {modal.confirmLabel}
              </button>
            </>
          }
        >
          <div>{modal.body}</div>
        </Modal>
      );
    default: {
      const never: never = modal;
      return <>{String(never)}</>;
    }
  }
}
