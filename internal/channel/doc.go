// Package channel is the delivery layer every channel adapter stands on:
// Telegram, Slack, WhatsApp and the console. An adapter converts its
// platform's updates into jobs and renders replies; everything between —
// order, bounds, de-duplication, retries, rate limits, outcomes, draining —
// is here, once, so that every channel behaves alike and reports alike. It
// imports only the domain (package chat) and the standard library.
//
// # Flow
//
// An adapter turns an update into a [Job] (the conversation it belongs to,
// the platform's id of the update, the chat.Message, and a Send function
// that renders and delivers a reply) and submits it to a [Dispatcher]. The
// dispatcher, per conversation and in order:
//
//  1. thinks: asks the engine for the reply (a few microseconds), as soon as
//     the conversation's earlier jobs have been thought about;
//  2. decides: a user over the per-user rate limit gets no reply
//     ([Throttled]) unless the reply is urgent;
//  3. sends: calls the job's Send in the conversation's order, an urgent
//     reply ahead of the conversation's waiting ones and of other
//     conversations' (it gets the next free sender and the next slot of the
//     platform's rate limit).
//
// The job's [Ticket] is done when its reply was delivered, given up, or not
// needed; webhooks wait for it before they acknowledge the update (see
// [Await]), so that the platform keeps an update until it was answered.
//
// # Bounds
//
// A conversation holds at most Config.PerConversation jobs and all
// conversations Config.Total; past them Submit refuses, and the adapter asks
// the platform to deliver the update again later ([Refuse]: 429 or 503).
// Nothing a dispatcher holds is written to disk: a crash loses the jobs in
// memory, which is why acknowledging late matters.
//
// # Outcomes
//
// Every request to a platform ends in an [Outcome], one fixed word shared by
// all channels in logs ("outcome=blocked code=403") and metrics
// (salama_send_errors_total{reason="blocked"}). Adapters classify their
// library's errors into an [*Error] (Fail, RateLimit); [Retry] then waits
// out a rate limit for its Retry-After, backs off with jitter after a
// server or network failure, and gives up at once on the rest. A [Spacer]
// keeps sends within a platform's per-chat and global rates.
//
// # Text
//
// [Split] cuts long text by the platform's own measure ([UTF16] for
// Telegram, [Runes] for Slack and WhatsApp) at paragraph, line or word
// boundaries; [Shorten] shortens a label at a word boundary; [Numbered]
// and [Pick] render and press choices on a channel that shows text only;
// [AsCommand] and [RewriteCommands] let users type the engine's commands
// where "/name" cannot be typed (Slack's "/safety forget").
//
// # The adapter contract
//
// [Adapter] is what cmd/salama runs; its comment is the contract, and
// package channeltest checks it: every adapter's tests call channeltest.Run
// against the adapter's fake platform.
package channel
