import "./style.css";
import { mountBackprop } from "./backprop.js";
import type { BackpropView } from "./backprop.js";
import { mountLessons } from "./lessons.js";
import { mountTrain } from "./train-view.js";

type View = "backprop" | "train" | "lessons";
const VIEWS: readonly View[] = ["backprop", "train", "lessons"];
let backprop: BackpropView | null = null;
const MOUNT: Record<View, (root: HTMLElement) => void> = {
  backprop: (root) => (backprop = mountBackprop(root)),
  // A clicked point's prediction opens in the Backprop view, as a graph to step through.
  train: (root) => mountTrain(root, (build, description) => {
    show("backprop");
    backprop?.inspect(build, description);
  }),
  lessons: mountLessons,
};
const mounted = new Set<View>();

/** Shows one view, mounting it the first time, and records it in the URL. */
function show(view: View): void {
  for (const name of VIEWS) {
    (document.getElementById(name) as HTMLElement).hidden = name !== view;
    document.querySelector(`nav [data-view="${name}"]`)?.setAttribute("aria-current", name === view ? "page" : "false");
  }
  if (!mounted.has(view)) {
    mounted.add(view);
    MOUNT[view](document.getElementById(view) as HTMLElement);
  }
  const url = new URL(location.href);
  url.searchParams.set("view", view);
  history.replaceState(null, "", url);
}

for (const button of document.querySelectorAll<HTMLButtonElement>("nav [data-view]")) {
  button.addEventListener("click", () => show(button.dataset.view as View));
}
const requested = new URL(location.href).searchParams.get("view");
show(VIEWS.find((v) => v === requested) ?? "backprop");
