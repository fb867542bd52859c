using System.Text;

namespace AuthBench.Common;

/// <summary>Writes a file so that readers see the old or the new content, never half of one: temporary file, then rename.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file in the same folder (for writers that take a path, such as a
    /// chart library), flushes it to disk and renames it over <paramref name="path"/>; the temporary file never stays behind.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            write(temp);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true); // rename(2): atomic within one file system
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public static void WriteAllBytes(string path, byte[] content) => Write(path, temp => File.WriteAllBytes(temp, content));

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string content) =>
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content));
}
