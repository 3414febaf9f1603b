// WASI preview1 constants and struct layouts, as defined by wasi_snapshot_preview1's witx.
#pragma once

#include <cstdint>

namespace isobox::wasm::wasi {

/// `errno` (u16). Numbers follow the witx enum order (typenames.witx, `$errno`).
enum class Errno : uint16_t {
  Success = 0,
  TooBig = 1,
  Acces = 2,
  AddrInUse = 3,
  AddrNotAvail = 4,
  AfNoSupport = 5,
  Again = 6,
  Already = 7,
  Badf = 8,
  BadMsg = 9,
  Busy = 10,
  Canceled = 11,
  Child = 12,
  ConnAborted = 13,
  ConnRefused = 14,
  ConnReset = 15,
  Deadlk = 16,
  DestAddrReq = 17,
  Dom = 18,
  Dquot = 19,
  Exist = 20,
  Fault = 21,
  Fbig = 22,
  HostUnreach = 23,
  Idrm = 24,
  Ilseq = 25,
  InProgress = 26,
  Intr = 27,
  Inval = 28,
  Io = 29,
  IsConn = 30,
  IsDir = 31,
  Loop = 32,
  Mfile = 33,
  Mlink = 34,
  MsgSize = 35,
  Multihop = 36,
  NameTooLong = 37,
  NetDown = 38,
  NetReset = 39,
  NetUnreach = 40,
  Nfile = 41,
  NoBufs = 42,
  NoDev = 43,
  NoEnt = 44,
  NoExec = 45,
  NoLck = 46,
  NoLink = 47,
  NoMem = 48,
  NoMsg = 49,
  NoProtoOpt = 50,
  NoSpc = 51,
  NoSys = 52,
  NotConn = 53,
  NotDir = 54,
  NotEmpty = 55,
  NotRecoverable = 56,
  NotSock = 57,
  NotSup = 58,
  NotTty = 59,
  Nxio = 60,
  Overflow = 61,
  OwnerDead = 62,
  Perm = 63,
  Pipe = 64,
  Proto = 65,
  ProtoNoSupport = 66,
  ProtoType = 67,
  Range = 68,
  Rofs = 69,
  Spipe = 70,
  Srch = 71,
  Stale = 72,
  TimedOut = 73,
  TxtBsy = 74,
  Xdev = 75,
  NotCapable = 76,
};

/// Maps a host errno to the WASI errno with the same meaning (unknown values become EIO).
Errno from_host_errno(int err);

/// `rights` (u64 flags), bit numbers in witx order.
namespace rights {
inline constexpr uint64_t FdDatasync = 1ull << 0;
inline constexpr uint64_t FdRead = 1ull << 1;
inline constexpr uint64_t FdSeek = 1ull << 2;
inline constexpr uint64_t FdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t FdSync = 1ull << 4;
inline constexpr uint64_t FdTell = 1ull << 5;
inline constexpr uint64_t FdWrite = 1ull << 6;
inline constexpr uint64_t FdAdvise = 1ull << 7;
inline constexpr uint64_t FdAllocate = 1ull << 8;
inline constexpr uint64_t PathCreateDirectory = 1ull << 9;
inline constexpr uint64_t PathCreateFile = 1ull << 10;
inline constexpr uint64_t PathLinkSource = 1ull << 11;
inline constexpr uint64_t PathLinkTarget = 1ull << 12;
inline constexpr uint64_t PathOpen = 1ull << 13;
inline constexpr uint64_t FdReaddir = 1ull << 14;
inline constexpr uint64_t PathReadlink = 1ull << 15;
inline constexpr uint64_t PathRenameSource = 1ull << 16;
inline constexpr uint64_t PathRenameTarget = 1ull << 17;
inline constexpr uint64_t PathFilestatGet = 1ull << 18;
inline constexpr uint64_t PathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t PathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t FdFilestatGet = 1ull << 21;
inline constexpr uint64_t FdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t FdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t PathSymlink = 1ull << 24;
inline constexpr uint64_t PathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t PathUnlinkFile = 1ull << 26;
inline constexpr uint64_t PollFdReadwrite = 1ull << 27;
inline constexpr uint64_t SockShutdown = 1ull << 28;
inline constexpr uint64_t SockAccept = 1ull << 29;
inline constexpr uint64_t All = (1ull << 30) - 1;

/// Rights that modify the file system: removed from read-only grants.
inline constexpr uint64_t Mutating =
    FdDatasync | FdWrite | FdAllocate | PathCreateDirectory | PathCreateFile | PathLinkSource |
    PathLinkTarget | PathRenameSource | PathRenameTarget | PathFilestatSetSize |
    PathFilestatSetTimes | FdFilestatSetSize | FdFilestatSetTimes | PathSymlink |
    PathRemoveDirectory | PathUnlinkFile | FdFdstatSetFlags;
/// Rights meaningful on a directory fd / on a regular file fd / on a socket.
inline constexpr uint64_t Directory =
    FdFdstatSetFlags | FdSync | FdAdvise | PathCreateDirectory | PathCreateFile | PathLinkSource |
    PathLinkTarget | PathOpen | FdReaddir | PathReadlink | PathRenameSource | PathRenameTarget |
    PathFilestatGet | PathFilestatSetSize | PathFilestatSetTimes | FdFilestatGet |
    FdFilestatSetTimes | PathSymlink | PathRemoveDirectory | PathUnlinkFile;
inline constexpr uint64_t RegularFile = FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync |
                                        FdTell | FdWrite | FdAdvise | FdAllocate | FdFilestatGet |
                                        FdFilestatSetSize | FdFilestatSetTimes | PollFdReadwrite;
inline constexpr uint64_t Stream =
    FdRead | FdWrite | FdFdstatSetFlags | FdFilestatGet | PollFdReadwrite;
inline constexpr uint64_t Socket = Stream | SockShutdown | SockAccept;
} // namespace rights

enum class ClockId : uint32_t {
  Realtime = 0,
  Monotonic = 1,
  ProcessCputime = 2,
  ThreadCputime = 3
};
enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };
enum class Filetype : uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};
enum class Advice : uint8_t {
  Normal = 0,
  Sequential = 1,
  Random = 2,
  WillNeed = 3,
  DontNeed = 4,
  NoReuse = 5
};

namespace fdflags {
inline constexpr uint16_t Append = 1, Dsync = 2, Nonblock = 4, Rsync = 8, Sync = 16;
}
namespace fstflags {
inline constexpr uint16_t Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8;
}
namespace lookupflags {
inline constexpr uint32_t SymlinkFollow = 1;
}
namespace oflags {
inline constexpr uint16_t Creat = 1, Directory = 2, Excl = 4, Trunc = 8;
}
namespace riflags {
inline constexpr uint16_t RecvPeek = 1, RecvWaitall = 2;
}
namespace sdflags {
inline constexpr uint8_t Rd = 1, Wr = 2;
}
enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };
inline constexpr uint16_t kSubscriptionClockAbstime = 1;
inline constexpr uint16_t kEventFdReadwriteHangup = 1;
inline constexpr uint16_t kRoflagsRecvDataTruncated = 1;
inline constexpr uint8_t kPreopentypeDir = 0;

/// Struct layouts (offsets and sizes in guest memory, little-endian), from the witx.
namespace layout {
inline constexpr uint32_t IovecSize = 8; // buf u32 @0, buf_len u32 @4
inline constexpr uint32_t DirentSize =
    24; // d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20
inline constexpr uint32_t FdstatSize =
    24; // filetype u8 @0, flags u16 @2, base u64 @8, inheriting u64 @16
inline constexpr uint32_t FilestatSize =
    64; // dev @0 ino @8 filetype u8 @16 nlink @24 size @32 atim @40 mtim @48 ctim @56
inline constexpr uint32_t PrestatSize = 8;       // tag u8 @0, pr_name_len u32 @4
inline constexpr uint32_t SubscriptionSize = 48; // userdata u64 @0, tag u8 @8, union @16
inline constexpr uint32_t EventSize =
    32; // userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24
} // namespace layout

} // namespace isobox::wasm::wasi
