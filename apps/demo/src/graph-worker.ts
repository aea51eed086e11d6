/// <reference lib="webworker" />
import { dotToSvg } from "@micrograd/viz/svg";
import type { LayoutReply, LayoutRequest } from "./graph-layout.js";

// Graphviz lays out here, off the main thread: a graph it takes minutes over never freezes the
// page, and the page can stop it by ending this worker.
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const { id, dot } = event.data;
  let reply: LayoutReply;
  try {
    reply = { id, svg: await dotToSvg(dot) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) };
  }
  scope.postMessage(reply);
};
