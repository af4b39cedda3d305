import blessed from 'blessed';
import type { ProgressSample } from '../fleet/run-fleet.js';
import type { RunControl } from '../fleet/run-control.js';
import { LiveView } from './live-view.js';
import { renderHeader, renderView, renderWarning, VIEWS, type ScreenContext, type ViewName } from './screens.js';

/**
 * `--ui tui`: the full-screen terminal UI (blessed). It only reads the progress stream (update) and turns keys into
 * RunControl commands: q stops the run like SIGINT does (the results are still written), p pauses and resumes.
 */
export interface TuiOptions {
  control: RunControl;
  /** Shown in the header (scenario, fleet, ACS). */
  title: string;
  /** A second Ctrl-C: leave without results (what the second SIGINT does in the plain UI). */
  onKill: () => void;
}

export class Tui {
  private readonly screen: blessed.Widgets.Screen;
  private readonly header: blessed.Widgets.BoxElement;
  private readonly warning: blessed.Widgets.BoxElement;
  private readonly body: blessed.Widgets.BoxElement;
  private readonly live = new LiveView();
  private view: ViewName = 'overview';
  private selected: string | undefined;
  private stopping = false;
  private destroyed = false;

  constructor(private readonly options: TuiOptions) {
    this.screen = blessed.screen({
      smartCSR: true,
      fullUnicode: true,
      // The charts draw with block characters anyway; without this blessed swaps box-drawing for ACS when LANG is unset.
      forceUnicode: true,
      title: 'cpesim',
    });
    this.header = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: 2, tags: true });
    this.warning = blessed.box({ parent: this.screen, top: 2, left: 0, width: '100%', height: 1, tags: true });
    this.body = blessed.box({
      parent: this.screen,
      top: 3,
      left: 0,
      width: '100%',
      height: '100%-3',
      tags: true,
      border: { type: 'line' },
    });
    this.bindKeys();
    this.screen.on('resize', () => this.draw());
    this.draw();
  }

  /** The next progress sample (once per interval). */
  update(sample: ProgressSample): void {
    if (this.destroyed) return;
    this.live.update(sample);
    if (this.selected === undefined || !this.live.latencyNames.includes(this.selected)) {
      const names = this.live.latencyNames;
      this.selected = names.includes('session') ? 'session' : names[0];
    }
    this.draw();
  }

  /** Gives the terminal back (normal screen, cursor, cooked mode) before the summary is printed. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.screen.destroy();
  }

  private bindKeys(): void {
    const { control } = this.options;
    this.screen.key(['q', 'C-c'], (_ch, key) => {
      if (this.stopping && key.full === 'C-c') {
        this.destroy();
        this.options.onKill();
        return;
      }
      this.stopping = true;
      control.stop();
      this.draw();
    });
    this.screen.key(['p', 'space'], () => {
      if (this.stopping) return;
      if (control.paused) control.resume();
      else control.pause();
      this.draw();
    });
    this.screen.key(['1', '2', '3', '4'], (ch) => this.show(VIEWS[Number(ch) - 1]!));
    this.screen.key(['tab'], () => this.show(VIEWS[(VIEWS.indexOf(this.view) + 1) % VIEWS.length]!));
    this.screen.key(['up', 'k', 'down', 'j'], (_ch, key) => {
      const names = this.live.latencyNames;
      if (names.length === 0) return;
      const step = key.name === 'up' || key.name === 'k' ? -1 : 1;
      const at = this.selected === undefined ? 0 : names.indexOf(this.selected);
      this.selected = names[(at + step + names.length) % names.length];
      this.draw();
    });
  }

  private show(view: ViewName): void {
    this.view = view;
    this.draw();
  }

  private draw(): void {
    if (this.destroyed) return;
    const ctx: ScreenContext = {
      view: this.view,
      selected: this.selected,
      stopping: this.stopping,
      paused: this.options.control.paused,
      // The body's border takes two columns and two rows.
      width: Number(this.screen.width) - 2,
      height: Number(this.screen.height) - 5,
      title: this.options.title,
    };
    const state = this.live.current;
    this.header.setContent(renderHeader(state, ctx));
    this.warning.setContent(renderWarning(state));
    this.body.setContent(renderView(this.live, ctx));
    this.screen.render();
  }
}
