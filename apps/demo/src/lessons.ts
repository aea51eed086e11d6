import { MLP } from "@micrograd/nn";
import { SGD } from "@micrograd/optim";
import { Trainer, andGate, seed002Rows, seed003Rows } from "@micrograd/training";
import type { Dataset, LossName } from "@micrograd/training";
import { el, fixed } from "./dom.js";
import { drawCurves } from "./draw.js";
import type { CurvePoint } from "./draw.js";

interface Lesson {
  id: string;
  title: string;
  text: string[];
  data: Dataset;
  model: () => MLP;
  loss: LossName;
  lr: number;
  steps: number;
  batchSize?: number;
  /** Whether one prediction is right, and the sentence that states the lesson's result. */
  right: (prediction: number, target: number) => boolean;
  goal: string;
}

const LESSONS: Lesson[] = [
  {
    id: "and",
    title: "Seed 000 — an AND gate from one neuron",
    text: [
      "One sigmoid neuron, σ(w1·x1 + w2·x2 + b), learns the AND gate: output near 1 only for (1, 1).",
      "The loss is the squared error (y − ŷ)², and the neuron learns from one row at a time, as in the seed. The seed's neuron has no bias b — without it the output at (0, 0) is stuck at σ(0) = 0.5, so it can never get that row right.",
    ],
    data: andGate(),
    model: () => new MLP(2, [1], { outputActivation: "sigmoid", seed: 0 }),
    loss: "mse", lr: 2, steps: 2000, batchSize: 1,
    right: (p, y) => (p > 0.5 ? 1 : 0) === y,
    goal: "all 4 rows right",
  },
  {
    id: "mlp",
    title: "Seed 002 — a small MLP fits four rows",
    text: [
      "MLP(3, [4, 4, 1]) with tanh everywhere: 41 parameters fit four rows whose targets are +1 or −1.",
      "The loss is the sum of squared errors, and every step goes downhill along the gradient that backward() computed: p.data −= 0.05 · p.grad.",
    ],
    data: seed002Rows(),
    model: () => new MLP(3, [4, 4, 1], { activation: "tanh", outputActivation: "tanh", seed: 1 }),
    loss: "sse", lr: 0.05, steps: 500,
    right: (p, y) => Math.sign(p) === Math.sign(y),
    goal: "every prediction on the right side of 0",
  },
  {
    id: "perceptron",
    title: "Seed 003 — a perceptron with cross-entropy",
    text: [
      "A 3-input sigmoid perceptron. Look at the table: y is simply the first input; the others are distractions it must learn to ignore.",
      "The loss is binary cross-entropy, −(y·log p + (1 − y)·log(1 − p)): it punishes a confident wrong answer far more than squared error does.",
    ],
    data: seed003Rows(),
    model: () => new MLP(3, [1], { outputActivation: "sigmoid", seed: 3 }),
    loss: "bce", lr: 1, steps: 300,
    right: (p, y) => Math.round(p) === y,
    goal: "every prediction rounds to y",
  },
];

/** The seeds as lessons: their data, a few sentences, a Train button, the loss going down, the result. */
export function mountLessons(root: HTMLElement): void {
  root.append(el("h2", { id: "lessons-title" }, "The seeds, as lessons"));
  const grid = el("div", { class: "grid three" });
  root.append(grid);
  for (const lesson of LESSONS) grid.append(lessonCard(lesson));
}

function lessonCard(lesson: Lesson): HTMLElement {
  const { data } = lesson;
  const columns = data.x[0]?.length ?? 0;
  const header = el("tr", {}, ...Array.from({ length: columns }, (_, i) => el("th", {}, `x${i + 1}`)), el("th", {}, "y"), el("th", {}, "prediction"));
  const cells = data.x.map(() => el("td", {}, "—"));
  const body = data.x.map((x, r) => el("tr", {}, ...x.map((v) => el("td", {}, String(v))), el("td", {}, String(data.y[r])), cells[r] as HTMLElement));
  const button = el("button", { type: "button", id: `lesson-${lesson.id}-train` }, "Train");
  const curve = el("canvas", { width: 360, height: 140, "aria-label": "loss per step" });
  const result = el("p", { class: "status", id: `lesson-${lesson.id}-result`, "aria-live": "polite" }, `Goal: ${lesson.goal}.`);

  button.addEventListener("click", () => {
    button.disabled = true;
    const model = lesson.model();
    const trainer = new Trainer({
      model, data, loss: lesson.loss, optimizer: new SGD(model.parameters(), { lr: lesson.lr }),
      ...(lesson.batchSize ? { batchSize: lesson.batchSize } : {}),
    });
    const losses: CurvePoint[] = [];
    // A few dozen steps per frame, so the loss curve visibly goes down.
    const perFrame = Math.ceil(lesson.steps / 60);
    const frame = () => {
      for (let k = 0; k < perFrame && trainer.steps < lesson.steps; k++) {
        const info = trainer.step();
        losses.push({ step: info.step, train: info.loss, test: null, accuracy: null });
      }
      drawCurves(curve, losses);
      if (trainer.steps < lesson.steps) {
        requestAnimationFrame(frame);
        return;
      }
      const predictions = data.x.map((x) => model.forward(x)[0]?.data ?? NaN);
      let right = 0;
      predictions.forEach((p, r) => {
        const ok = lesson.right(p, data.y[r] as number);
        if (ok) right += 1;
        const cell = cells[r] as HTMLElement;
        cell.textContent = `${fixed(p, 3)} ${ok ? "✓" : "✗"}`;
        cell.className = ok ? "ok" : "bad";
      });
      const done = right === data.x.length;
      result.textContent = `${done ? "Reached" : "Not reached"}: ${lesson.goal} (${right} of ${data.x.length} rows right, final loss ${fixed(losses.at(-1)?.train ?? NaN)}).`;
      result.className = `status ${done ? "ok" : "bad"}`;
      button.disabled = false;
    };
    requestAnimationFrame(frame);
  });

  return el("article", { class: "card" },
    el("h3", {}, lesson.title),
    ...lesson.text.map((t) => el("p", {}, t)),
    el("table", {}, header, ...body),
    el("div", { class: "row" }, button),
    curve,
    result,
  );
}
