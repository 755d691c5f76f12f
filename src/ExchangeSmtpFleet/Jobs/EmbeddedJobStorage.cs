using ExchangeSmtpFleet.Core.Storage;
using Hangfire.Storage.SQLite;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The embedded job storage, for one process (issue 18, item 17): made only while its process holds an exclusive lock on
/// <c>&lt;file&gt;.lock</c> beside it, so that a second <c>serve</c> (or <c>demo</c>) on the same data folder is refused at
/// start instead of resuming the same runs (every host probed twice) and taking the same jobs. The lock is the kernel's
/// (.NET takes <c>flock</c> for <see cref="FileShare.None"/> on Unix, a share mode on Windows): it goes with the process
/// however the process ends, so a crash never leaves a stale lock behind, and with this storage when the host is disposed.
/// </summary>
internal sealed class EmbeddedJobStorage : SQLiteStorage, IDisposable
{
    private readonly FileStream _lock;

    private EmbeddedJobStorage(FileStream held, string path, SQLiteStorageOptions options)
        : base(path, options)
    {
        _lock = held;
    }

    /// <summary>Takes the lock of <paramref name="path"/>, then opens the storage.</summary>
    /// <param name="path">The storage file (full path).</param>
    /// <param name="options">Its options.</param>
    /// <exception cref="StoreException">Another process holds the lock, or it cannot be taken.</exception>
    public static EmbeddedJobStorage Open(string path, SQLiteStorageOptions options)
    {
        var lockPath = path + ".lock";
        FileStream held;
        try
        {
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException e) when (File.Exists(lockPath))
        {
            throw new StoreException(
                $"the job storage {path} is in use: another esfleet serve or demo runs on this data folder (it holds {Path.GetFileName(lockPath)}); stop it first, or give this one another data folder (ESF_DATA_DIR)",
                e);
        }

        try
        {
            return new EmbeddedJobStorage(held, path, options);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>The storage, then the lock: another process may take the file only once this one has let go of it.</summary>
    void IDisposable.Dispose()
    {
        Dispose();
        _lock.Dispose();
    }
}
