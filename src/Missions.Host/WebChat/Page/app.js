// The local chat page: Bot Framework Web Chat against this host's Direct Line endpoint.
(function () {
  'use strict';

  const status = document.getElementById('status');
  const storageKey = 'missions.conversationId';

  document.getElementById('new-conversation').addEventListener('click', event => {
    event.preventDefault();
    localStorage.removeItem(storageKey);
    location.reload();
  });

  // Web Chat 4.18 acts on Action.Submit and Action.OpenUrl only. Cards here use Action.Execute (Universal Actions,
  // so Teams can update them in place), so the Adaptive Cards package handed to Web Chat wraps AdaptiveCard: Web
  // Chat assigns each card's onExecuteAction, and the wrapper routes Action.Execute to an "adaptiveCard/action"
  // invoke, as Teams would send it, and leaves every other action to Web Chat.
  function createAdaptiveCardsPackage(AdaptiveCards, sendInvoke) {
    class MissionsAdaptiveCard extends AdaptiveCards.AdaptiveCard {
      constructor() {
        super();
        let handler;
        Object.defineProperty(this, 'onExecuteAction', {
          configurable: true,
          enumerable: true,
          get: () => handler,
          set: webChatHandler => {
            handler = action =>
              action.getJsonTypeName() === 'Action.Execute'
                ? sendInvoke(action)
                : webChatHandler && webChatHandler(action);
          }
        });
      }
    }

    return Object.assign({}, AdaptiveCards, { AdaptiveCard: MissionsAdaptiveCard });
  }

  async function start() {
    const resume = localStorage.getItem(storageKey);
    // The token says who is writing (the host takes no name from the messages themselves).
    const response = await fetch('/v3/directline/tokens/generate' + (resume ? '?resume=' + encodeURIComponent(resume) : ''), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: { name: 'Local user' } })
    });
    if (!response.ok) {
      status.textContent = 'Could not start a conversation (' + response.status + '). Is the host running on this machine?';
      return;
    }

    const { conversationId, token, userId } = await response.json();
    localStorage.setItem(storageKey, conversationId);

    const directLine = window.WebChat.createDirectLine({
      token,
      domain: location.origin + '/v3/directline',
      // Activities are pushed over the stream Direct Line names (streamUrl) as they are written; no polling.
      webSocket: true
    });

    const sendInvoke = action =>
      directLine
        .postActivity({
          type: 'invoke',
          name: 'adaptiveCard/action',
          from: { id: userId, name: 'Local user', role: 'user' },
          value: { action: { type: 'Action.Execute', id: action.id, verb: action.verb, data: action.data }, trigger: 'manual' }
        })
        .subscribe({ error: error => { status.textContent = 'The action did not reach the bot: ' + error; } });

    window.WebChat.renderWebChat(
      {
        directLine,
        userID: userId,
        username: 'Local user',
        locale: navigator.language || 'en-US',
        adaptiveCardsPackage: createAdaptiveCardsPackage(window.AdaptiveCards, sendInvoke),
        // Files picked with the paperclip go with the next message ("attach M-12"), not on their own.
        styleOptions: { sendAttachmentOn: 'send', botAvatarInitials: 'M', userAvatarInitials: 'You', bubbleMaxWidth: 640 }
      },
      document.getElementById('webchat')
    );

    document.querySelector('#webchat input, #webchat textarea')?.focus();
  }

  start().catch(error => { status.textContent = 'Web chat failed to start: ' + error; });
})();
