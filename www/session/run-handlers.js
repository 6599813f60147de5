// What the session does as its training loop runs: it keeps the figures and the curves, what compare mode
// found, and the finished model; and it tells a failing core from training that stopped on its own.
import { isRefusal } from '../core.js';
import { comparisonText } from '../page-text.js';
import { Divergence } from './training-loop.js';

/** The TrainingLoop's handlers for `session`'s run with `options`, drawing into `curves`. */
export function runHandlers(session, curves, options) {
  return {
    onBatches: (report, samplesPerSecond, twinReport) => {
      const epochAccuracy = curves.addBatches(report.batchLosses, report.batchAccuracies, twinReport?.batchLosses);
      session.update({
        progress: report,
        samplesPerSecond,
        revision: session.state.revision + 1,
        ...(epochAccuracy !== undefined && { trainAccuracy: epochAccuracy }),
      });
    },
    onEvaluation: (result, twin) => {
      curves.addEvaluation(result, twin);
      const [row, batch] = options.softmax === 'row' ? [result, twin] : [twin, result];
      session.update({
        testAccuracy: result.testAccuracy,
        ...(Number.isFinite(result.trainAccuracy) && { trainAccuracy: result.trainAccuracy }),
        ...(twin && { comparison: comparisonText(row, batch) }),
      });
    },
    onFinish: () => {
      session.update({ phase: 'done' });
      session.keepModel();
    },
    onError: (error) => {
      if (!(error instanceof Divergence) && !isRefusal(error)) {
        session.coreFailed(error);
        return;
      }
      session.update({ phase: 'done', trainError: `Training stopped: ${error.message}` });
    },
  };
}
