// `isochron completion SHELL`: the script for one shell, from the one model.
import { completionModel } from './model.js';
import { bashScript } from './bash.js';
import { zshScript } from './zsh.js';
import { fishScript } from './fish.js';

export type CompletionShell = 'bash' | 'zsh' | 'fish';

export function completionScript(shell: CompletionShell): string {
  const model = completionModel();
  switch (shell) {
    case 'bash':
      return bashScript(model);
    case 'zsh':
      return zshScript(model);
    case 'fish':
      return fishScript(model);
  }
}
