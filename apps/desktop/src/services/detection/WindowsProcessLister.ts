// Windows processes through the native process list (kernel32 via koffi, not wmic): a Toolhelp32
// snapshot (CreateToolhelp32Snapshot + Process32FirstW/NextW) lists pid, parent pid and image name
// on every scan; QueryFullProcessImageNameW gives a new process's full path. The start key is parent
// pid + image name (a reused pid almost never has both the same), which keeps a scan free of one
// OpenProcess per process. This module only runs on Windows; its pure parts (the struct layout, path
// handling) are tested everywhere, the calls into kernel32 cannot be tested on this Linux machine.
import koffi from 'koffi';
import { normalizeExecutablePath } from './executablePaths.ts';
import type { ProcessLister, ProcessStub, RunningProcess } from './ProcessScanner.ts';

const TH32CS_SNAPPROCESS = 0x2;
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
const MAX_PATH = 260;
/** Long paths (`\\?\`) can exceed MAX_PATH; 32 Ki UTF-16 units is the documented ceiling. */
const IMAGE_PATH_UNITS = 32_768;

/** PROCESSENTRY32W (tlhelp32.h); 568 bytes on 64-bit Windows, 556 on 32-bit. */
export const PROCESSENTRY32W = koffi.struct('PROCESSENTRY32W', {
  dwSize: 'uint32_t',
  cntUsage: 'uint32_t',
  th32ProcessID: 'uint32_t',
  th32DefaultHeapID: 'uintptr_t',
  th32ModuleID: 'uint32_t',
  cntThreads: 'uint32_t',
  th32ParentProcessID: 'uint32_t',
  pcPriClassBase: 'int32_t',
  dwFlags: 'uint32_t',
  szExeFile: koffi.array('char16_t', MAX_PATH, 'String'),
});

export interface WindowsProcessStub extends ProcessStub {
  /** The image's file name from the snapshot (`Game.exe`), the fallback when the full path is denied. */
  readonly exeFile: string;
}

interface Kernel32 {
  createSnapshot(): unknown;
  first(snapshot: unknown, entry: { dwSize: number }): boolean;
  next(snapshot: unknown, entry: { dwSize: number }): boolean;
  imagePath(pid: number): string | null;
  close(handle: unknown): void;
}

function loadKernel32(): Kernel32 {
  const lib = koffi.load('kernel32.dll');
  const HANDLE = koffi.pointer('HANDLE', koffi.opaque());
  const CreateToolhelp32Snapshot = lib.func('__stdcall', 'CreateToolhelp32Snapshot', HANDLE, ['uint32_t', 'uint32_t']);
  const Process32FirstW = lib.func('__stdcall', 'Process32FirstW', 'bool', [HANDLE, koffi.inout(koffi.pointer(PROCESSENTRY32W))]);
  const Process32NextW = lib.func('__stdcall', 'Process32NextW', 'bool', [HANDLE, koffi.inout(koffi.pointer(PROCESSENTRY32W))]);
  const OpenProcess = lib.func('__stdcall', 'OpenProcess', HANDLE, ['uint32_t', 'bool', 'uint32_t']);
  const QueryFullProcessImageNameW = lib.func('__stdcall', 'QueryFullProcessImageNameW', 'bool', [HANDLE, 'uint32_t', 'void *', koffi.inout(koffi.pointer('uint32_t'))]);
  const CloseHandle = lib.func('__stdcall', 'CloseHandle', 'bool', [HANDLE]);
  const pathBuffer = Buffer.alloc(IMAGE_PATH_UNITS * 2);
  return {
    createSnapshot: () => CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) as unknown,
    first: (snapshot, entry) => Process32FirstW(snapshot, entry) === true,
    next: (snapshot, entry) => Process32NextW(snapshot, entry) === true,
    imagePath: (pid) => {
      const handle: unknown = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
      if (handle === null) return null; // protected or elevated process, or gone
      try {
        const size = [IMAGE_PATH_UNITS];
        if (QueryFullProcessImageNameW(handle, 0, pathBuffer, size) !== true) return null;
        return decodeUtf16(pathBuffer, size[0] ?? 0);
      } finally {
        CloseHandle(handle);
      }
    },
    close: (handle) => {
      CloseHandle(handle);
    },
  };
}

export class WindowsProcessLister implements ProcessLister<WindowsProcessStub> {
  private readonly kernel32: Kernel32;

  constructor() {
    if (process.platform !== 'win32') throw new Error('WindowsProcessLister needs Windows (kernel32.dll)');
    this.kernel32 = loadKernel32();
  }

  list(): WindowsProcessStub[] {
    const k = this.kernel32;
    const snapshot = k.createSnapshot();
    // INVALID_HANDLE_VALUE is (HANDLE)-1; koffi hands it back as a pointer whose address is all ones.
    if (snapshot === null || koffi.address(snapshot) === 0xffff_ffff_ffff_ffffn) throw new Error('CreateToolhelp32Snapshot failed');
    const stubs: WindowsProcessStub[] = [];
    try {
      const entry = { dwSize: koffi.sizeof(PROCESSENTRY32W) } as ProcessEntry;
      for (let ok = k.first(snapshot, entry); ok; ok = k.next(snapshot, entry)) {
        if (entry.th32ProcessID === 0) continue; // System Idle Process
        stubs.push(stubFromEntry(entry));
      }
    } finally {
      k.close(snapshot);
    }
    return stubs;
  }

  resolve(stub: WindowsProcessStub): RunningProcess | null {
    const full = this.kernel32.imagePath(stub.pid);
    return windowsRunningProcess(stub, full);
  }
}

/** The fields of PROCESSENTRY32W koffi copies out (only those read here). */
export interface ProcessEntry {
  dwSize: number;
  th32ProcessID: number;
  th32ParentProcessID: number;
  szExeFile: string;
}

export function stubFromEntry(entry: ProcessEntry): WindowsProcessStub {
  return { pid: entry.th32ProcessID, startKey: `${entry.th32ParentProcessID}:${entry.szExeFile}`, exeFile: entry.szExeFile };
}

/** A process from its snapshot entry and its full image path (null when access was denied). */
export function windowsRunningProcess(stub: WindowsProcessStub, fullPath: string | null): RunningProcess | null {
  const executable = fullPath ?? stub.exeFile;
  if (executable === '') return null;
  const normalized = normalizeExecutablePath(executable.replace(/^\\\\\?\\/, ''));
  return { pid: stub.pid, startKey: stub.startKey, candidatePaths: [normalized], executable };
}

/** `units` UTF-16 code units of `buffer`, as QueryFullProcessImageNameW reports its length. */
export function decodeUtf16(buffer: Buffer, units: number): string {
  return buffer.toString('utf16le', 0, Math.max(0, Math.min(units, buffer.length / 2)) * 2);
}
