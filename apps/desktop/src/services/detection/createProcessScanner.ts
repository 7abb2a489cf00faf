// The process scanner for this platform. Windows' lister loads kernel32 through koffi, so it is
// imported only there.
import { LinuxProcessLister } from './LinuxProcessLister.ts';
import { MacProcessLister } from './MacProcessLister.ts';
import { ProcessScanner } from './ProcessScanner.ts';

export async function createProcessScanner(platform: string = process.platform): Promise<ProcessScanner> {
  if (platform === 'win32') {
    const { WindowsProcessLister } = await import('./WindowsProcessLister.ts');
    return new ProcessScanner(new WindowsProcessLister());
  }
  if (platform === 'darwin') return new ProcessScanner(new MacProcessLister());
  return new ProcessScanner(new LinuxProcessLister());
}
