/** A DOT text for the layout worker, numbered so that a late answer to an older one is ignored. */
export interface LayoutRequest {
  id: number;
  dot: string;
}

/** The layout worker's answer: the SVG, or Graphviz's message. */
export type LayoutReply = { id: number; svg: string } | { id: number; error: string };

/** How a layout ended: drawn, stopped (by a newer request or by the user), over its time limit, or refused by Graphviz. */
export type LayoutResult =
  | { kind: "svg"; svg: string }
  | { kind: "stopped" }
  | { kind: "timeout"; limitMs: number }
  | { kind: "error"; message: string };

/**
 * Graphviz in a Web Worker, one layout at a time. A new request, {@link GraphLayout.stop} or the
 * time limit ends the worker running the old one — the only way to stop WebAssembly mid-call —
 * and the next request starts a fresh worker (the browser keeps Graphviz's code cached).
 */
export class GraphLayout {
  private worker: Worker | null = null;
  private pending: { id: number; finish: (result: LayoutResult) => void; timer: ReturnType<typeof setTimeout> } | null = null;
  private requests = 0;

  /** Lays out `dot` as SVG, giving up after `limitMs`; a layout still running is stopped first. */
  render(dot: string, limitMs: number): Promise<LayoutResult> {
    this.stop();
    const worker = (this.worker ??= this.start());
    const id = ++this.requests;
    return new Promise((finish) => {
      const timer = setTimeout(() => this.end({ kind: "timeout", limitMs }), limitMs);
      this.pending = { id, finish, timer };
      worker.postMessage({ id, dot } satisfies LayoutRequest);
    });
  }

  /** Stops the layout running, if any: its promise resolves as `stopped`. */
  stop(): void {
    if (this.pending) this.end({ kind: "stopped" });
  }

  private start(): Worker {
    const worker = new Worker(new URL("./graph-worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<LayoutReply>) => {
      const reply = event.data;
      if (this.pending?.id !== reply.id) return;
      const done = this.pending;
      this.pending = null;
      clearTimeout(done.timer);
      done.finish("svg" in reply ? { kind: "svg", svg: reply.svg } : { kind: "error", message: reply.error });
    };
    worker.onerror = (event) => this.end({ kind: "error", message: event.message || "the layout worker failed" });
    return worker;
  }

  /** Ends the running layout with `result`, ending its worker too: it may be deep inside Graphviz. */
  private end(result: LayoutResult): void {
    const done = this.pending;
    if (!done) return;
    this.pending = null;
    clearTimeout(done.timer);
    this.worker?.terminate();
    this.worker = null;
    done.finish(result);
  }
}
