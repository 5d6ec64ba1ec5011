import NextLink from "next/link";
import type { ComponentProps } from "react";
import { LinkPending } from "./link-pending";

/**
 * The portal's links: Next's <Link> (client-side navigation) without prefetching.
 *
 * Most pages here are rendered per request (their CSP nonce), so a prefetch is a full server rendering of a page
 * nobody opened yet. With Next's default, the start page asked for 31 of them (each nav and runbook link, and all of them
 * again after a router refresh), and a page that refreshes itself asked again on every refresh: on a phone,
 * megabytes nobody read; on the server, 25 renders for each page someone looked at. A click costs one rendering of
 * the page clicked (e2e/server-requests.sre.spec.ts), and a spinner in the link shows it is on its way until the
 * page arrives (LinkPending). `next/link` is imported only here and in LinkPending (eslint.config.mjs).
 */
export function Link({ children, ...props }: ComponentProps<typeof NextLink>) {
  return (
    <NextLink prefetch={false} {...props}>
      {children}
      <LinkPending />
    </NextLink>
  );
}
