// The platform listers. Linux runs for real against /proc with real child processes (a copy of
// /bin/sleep under a game's name, a Wine-style argv[0], a Proton-style relative argv[0]). Windows
// and macOS cannot run here: their pure parts (the PROCESSENTRY32W layout koffi builds, path
// handling, `ps` output parsing) are tested; the calls into kernel32 and ps are not.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxProcessLister, splitCmdline, startKeyFromStat } from './LinuxProcessLister.ts';
import { parsePsOutput, MacProcessLister } from './MacProcessLister.ts';
import { ProcessScanner } from './ProcessScanner.ts';
import { decodeUtf16, PROCESSENTRY32W, stubFromEntry, windowsRunningProcess } from './WindowsProcessLister.ts';

describe.runIf(process.platform === 'linux')('LinuxProcessLister on the real /proc', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const start = (command: string, args: string[], cwd?: string) => {
    const child = spawn(command, args, { stdio: 'ignore', ...(cwd === undefined ? {} : { cwd }) });
    children.push(child);
    return child;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'concord-scan-'));
    mkdirSync(join(dir, 'Game Dir', 'bin'), { recursive: true });
    copyFileSync('/bin/sleep', join(dir, 'Game Dir', 'bin', 'Game.x86_64'));
  });
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const waitFor = async (scanner: ProcessScanner, pid: number) => {
    for (let i = 0; i < 100; i++) {
      const found = (await scanner.scan()).find((p) => p.pid === pid);
      // exec -a replaces bash's command line a moment after spawn
      if (found && !found.candidatePaths.some((c) => c.endsWith('/bash'))) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`pid ${pid} not seen`);
  };

  it('lists a started program by its real path and caches it per pid and start time', async () => {
    const scanner = new ProcessScanner(new LinuxProcessLister());
    const child = start(join(dir, 'Game Dir', 'bin', 'Game.x86_64'), ['30']);
    const found = await waitFor(scanner, child.pid!);
    expect(found.executable).toBe(join(dir, 'Game Dir', 'bin', 'Game.x86_64'));
    expect(found.candidatePaths).toContain(join(dir, 'game dir', 'bin', 'game.x86_64').toLowerCase());
    const again = (await scanner.scan()).find((p) => p.pid === child.pid);
    expect(again).toBe(found); // the same object: not resolved twice
    expect(scanner.stats.resolved).toBeLessThan(scanner.stats.listed);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await scanner.scan()).some((p) => p.pid === child.pid)).toBe(false);
  });

  it('sees a Wine-style argv[0] as the Windows program it names, also when it was first seen before the exec', async () => {
    const scanner = new ProcessScanner(new LinuxProcessLister());
    const child = start('bash', ['-c', `exec -a 'Z:\\home\\u\\Games\\X\\Game.exe' '${join(dir, 'Game Dir', 'bin', 'Game.x86_64')}' 30`]);
    const found = await waitFor(scanner, child.pid!);
    expect(found.candidatePaths[0]).toBe('/home/u/games/x/game.exe');
    expect(found.executable).toBe('/home/u/Games/X/Game.exe');
  });

  it('resolves a Proton-style relative argv[0] against the process\'s working directory', async () => {
    const scanner = new ProcessScanner(new LinuxProcessLister());
    const child = start('bash', ['-c', `exec -a 'bin\\Game.exe' '${join(dir, 'Game Dir', 'bin', 'Game.x86_64')}' 30`], join(dir, 'Game Dir'));
    const found = await waitFor(scanner, child.pid!);
    expect(found.candidatePaths[0]).toBe(join(dir, 'Game Dir', 'bin', 'Game.exe').toLowerCase());
  });

  it('parses /proc/<pid>/stat whatever the command name holds, and NUL-separated command lines', () => {
    expect(startKeyFromStat('1234 (a) b (c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 0')).toBe('987654:a) b (c');
    expect(startKeyFromStat('garbage')).toBeNull();
    expect(startKeyFromStat('1 (x) S 1')).toBeNull();
    expect(splitCmdline('a\0b c\0')).toEqual(['a', 'b c']);
  });
});

describe('WindowsProcessLister, the parts that run anywhere', () => {
  it('lays out PROCESSENTRY32W as tlhelp32.h does (568 bytes on 64-bit, 556 on 32-bit)', () => {
    expect(koffi.sizeof(PROCESSENTRY32W)).toBe(process.arch === 'x64' || process.arch === 'arm64' ? 568 : 556);
    expect(koffi.offsetof(PROCESSENTRY32W, 'szExeFile')).toBe(process.arch === 'x64' || process.arch === 'arm64' ? 44 : 36);
  });

  it('keys a process by parent pid and image name, and falls back to the image name when the full path is denied', () => {
    const stub = stubFromEntry({ dwSize: 568, th32ProcessID: 4242, th32ParentProcessID: 100, szExeFile: 'cs2.exe' });
    expect(stub).toEqual({ pid: 4242, startKey: '100:cs2.exe', exeFile: 'cs2.exe' });
    expect(windowsRunningProcess(stub, '\\\\?\\D:\\SteamLibrary\\steamapps\\common\\CS2\\game\\bin\\win64\\cs2.exe')?.candidatePaths).toEqual(['d:/steamlibrary/steamapps/common/cs2/game/bin/win64/cs2.exe']);
    expect(windowsRunningProcess(stub, null)).toMatchObject({ executable: 'cs2.exe', candidatePaths: ['cs2.exe'] });
    expect(windowsRunningProcess({ ...stub, exeFile: '' }, null)).toBeNull();
  });

  it('decodes the UTF-16 image path by the length the API reports', () => {
    const buffer = Buffer.alloc(64);
    buffer.write('C:\\Spiele\\Ä.exe', 'utf16le');
    expect(decodeUtf16(buffer, 15)).toBe('C:\\Spiele\\Ä.exe');
    expect(decodeUtf16(buffer, 10_000)).toHaveLength(32);
  });
});

describe('MacProcessLister, the parts that run anywhere', () => {
  it('parses ps -axo pid=,lstart=,comm= lines (paths with spaces) and finds the bundle', () => {
    const out = [
      '    1 Mon Dec  1 09:59:01 2025     /sbin/launchd',
      '  812 Tue Dec  2 18:04:33 2025     /Applications/Baldur\'s Gate 3.app/Contents/MacOS/Baldur\'s Gate 3',
      'not a line',
    ].join('\n');
    const stubs = parsePsOutput(out);
    expect(stubs).toEqual([
      { pid: 1, startKey: 'Mon Dec 1 09:59:01 2025', command: '/sbin/launchd' },
      { pid: 812, startKey: 'Tue Dec 2 18:04:33 2025', command: "/Applications/Baldur's Gate 3.app/Contents/MacOS/Baldur's Gate 3" },
    ]);
    expect(new MacProcessLister().resolve(stubs[1]!)?.candidatePaths).toEqual(["/applications/baldur's gate 3.app/contents/macos/baldur's gate 3", "/applications/baldur's gate 3.app"]);
  });
});
