/**
 * Webhook delivery, by job: building event bodies (events.ts), matching them to subscriptions
 * (match.ts), and POSTing them with retries (post.ts).
 */
export * from "./events";
export * from "./match";
export * from "./post";
