import "./style.css";
import { mountBackprop } from "./backprop.js";
import { mountLessons } from "./lessons.js";
import { mountTrain } from "./train-view.js";

const VIEWS = { backprop: mountBackprop, train: mountTrain, lessons: mountLessons } as const;
type View = keyof typeof VIEWS;
const mounted = new Set<View>();

/** Shows one view, mounting it the first time, and records it in the URL. */
function show(view: View): void {
  for (const name of Object.keys(VIEWS) as View[]) {
    (document.getElementById(name) as HTMLElement).hidden = name !== view;
    document.querySelector(`nav [data-view="${name}"]`)?.setAttribute("aria-current", name === view ? "page" : "false");
  }
  if (!mounted.has(view)) {
    mounted.add(view);
    VIEWS[view](document.getElementById(view) as HTMLElement);
  }
  const url = new URL(location.href);
  url.searchParams.set("view", view);
  history.replaceState(null, "", url);
}

for (const button of document.querySelectorAll<HTMLButtonElement>("nav [data-view]")) {
  button.addEventListener("click", () => show(button.dataset.view as View));
}
const requested = new URL(location.href).searchParams.get("view");
show(requested !== null && requested in VIEWS ? (requested as View) : "backprop");
