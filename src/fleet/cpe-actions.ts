import type { VirtualCpe } from '../cpe/virtual-cpe.js';
import type { AutonomousTransferSettings, CpeActionTiming, RequestDownloadSettings } from '../scenario/cpe-behaviour.js';
import type { Scenario } from '../scenario/scenario.js';
import { autonomousDuOperation, type AutonomousDuChangeSettings } from '../scenario/autonomous-du.js';

/** A scenario's CPE-initiated actions, in one list: the fleet arms each at its `atMs`. */
export type CpeAction =
  | { kind: 'autonomousTransfer'; settings: AutonomousTransferSettings }
  | { kind: 'requestDownload'; settings: RequestDownloadSettings }
  | { kind: 'autonomousDuChange'; settings: AutonomousDuChangeSettings };

export function cpeActionsOf(scenario: Scenario): CpeAction[] {
  return [
    ...(scenario.autonomousTransfers ?? []).map((settings): CpeAction => ({ kind: 'autonomousTransfer', settings })),
    ...(scenario.requestDownloads ?? []).map((settings): CpeAction => ({ kind: 'requestDownload', settings })),
    ...(scenario.autonomousDuChanges ?? []).map((settings): CpeAction => ({ kind: 'autonomousDuChange', settings })),
  ];
}

/**
 * When the action happens for one CPE (ms from the action's instant), or undefined when it is not among the chosen
 * fraction; `pick` and `moment` are two draws in [0, 1).
 */
export function actionDelayMs(timing: CpeActionTiming, pick: number, moment: number): number | undefined {
  return pick < timing.fraction ? timing.windowMs * moment : undefined;
}

let autonomousKeys = 0;

/** Carries out the action on one CPE, now. */
export function performCpeAction(cpe: VirtualCpe, action: CpeAction): void {
  if (action.kind === 'requestDownload') {
    cpe.requestDownload(action.settings.fileType, action.settings.fileTypeArg);
    return;
  }
  if (action.kind === 'autonomousDuChange') {
    cpe.autonomousDuChange(autonomousDuOperation(action.settings));
    return;
  }
  const s = action.settings;
  // A local download has no ACS CommandKey; the key only tells the CPE's own transfers apart.
  cpe.autonomousDownload(
    {
      method: 'Download',
      commandKey: `autonomous-${++autonomousKeys}`,
      fileType: s.fileType,
      url: s.url,
      username: '',
      password: '',
      fileSize: s.fileSize,
      targetFileName: s.targetFileName,
      delaySeconds: 0,
      successUrl: '',
      failureUrl: '',
    },
    0,
  );
}
