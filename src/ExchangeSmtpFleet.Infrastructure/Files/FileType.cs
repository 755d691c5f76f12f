namespace ExchangeSmtpFleet.Infrastructure.Files;

/// <summary>What a path names, as the file system says (<see cref="FileKind.Of"/>).</summary>
public enum FileType
{
    /// <summary>Nothing at that path.</summary>
    Missing,

    /// <summary>A regular file: the only kind with a length that means something.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A FIFO (named pipe): opening it for reading waits for a writer, and it has no length.</summary>
    Fifo,

    /// <summary>A character device (<c>/dev/zero</c>, <c>/dev/null</c>, a terminal).</summary>
    CharacterDevice,

    /// <summary>A block device (a disk).</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>Something that exists but cannot be examined (no permission, a platform without the call).</summary>
    Unknown,
}
