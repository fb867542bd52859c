using System.Buffers.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthBench.Core;

/// <summary>
/// What AuthBench refuses although JsonWebTokenHandler accepts it. Applied after the signature has been verified,
/// so only tokens signed with our own key ever get here and a forged token costs nothing extra. The rule: a token
/// must be in the one canonical form this API issues, so that no two strings (and no two parsers) disagree about it.
/// </summary>
public static class JwsPolicy
{
    /// <summary>The last second a NumericDate may name: 9999-12-31T23:59:59Z (beyond it, DateTime saturates).</summary>
    public const long MaximumNumericDate = 253_402_300_799;

    // JWE-only and unsupported parameters: on a JWS they are either a mistake or an attempt to change how it is read.
    private static readonly string[] RefusedHeaderParameters = ["crit", "zip", "enc"];
    private static readonly string[] NumericDateClaims = ["exp", "nbf", "iat"];

    /// <summary>Null when the validated token is acceptable; otherwise a one-line reason (never shown to the client).</summary>
    public static string? FindViolation(JsonWebToken token)
    {
        if (!IsCanonicalCompact(token.EncodedToken))
        {
            return "not a canonical compact JWS (three unpadded base64url segments)";
        }
        return CheckJson(token.EncodedHeader, isHeader: true) ?? CheckJson(token.EncodedPayload, isHeader: false);
    }

    /// <summary>
    /// Exactly three segments of the base64url alphabet, no padding or whitespace, a non-empty signature, and the
    /// unused bits of each segment's last character zero (otherwise several strings decode to the same token).
    /// </summary>
    public static bool IsCanonicalCompact(ReadOnlySpan<char> token)
    {
        var segments = 0;
        while (true)
        {
            var dot = token.IndexOf('.');
            var segment = dot < 0 ? token : token[..dot];
            segments++;
            if (segments > 3 || !IsCanonicalSegment(segment))
            {
                return false;
            }
            if (dot < 0)
            {
                return segments == 3;
            }
            token = token[(dot + 1)..];
        }
    }

    private static bool IsCanonicalSegment(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty || segment.Length % 4 == 1)
        {
            return false;
        }
        foreach (var c in segment)
        {
            if (ValueOf(c) < 0)
            {
                return false;
            }
        }
        var last = ValueOf(segment[^1]);
        return (segment.Length % 4) switch
        {
            2 => (last & 0x0F) == 0,
            3 => (last & 0x03) == 0,
            _ => true,
        };
    }

    /// <summary>The 6-bit value of a base64url character (RFC 4648 §5), or -1 for any other character.</summary>
    internal static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };

    private static string? CheckJson(string encoded, bool isHeader)
    {
        var part = isHeader ? "header" : "payload";
        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(encoded);
        }
        catch (FormatException)
        {
            return $"{part} is not base64url";
        }
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return $"{part} is not a JSON object";
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!names.Add(name))
                {
                    return $"{part} names '{name}' twice";
                }
                if (isHeader && RefusedHeaderParameters.Contains(name))
                {
                    return $"header parameter '{name}' is not supported";
                }
                reader.Read();
                if (!isHeader && NumericDateClaims.Contains(name) && !IsIntegerNumericDate(ref reader))
                {
                    return $"claim '{name}' is not an integer NumericDate";
                }
                reader.Skip();
            }
            // Anything after the object (a second value, garbage) makes the reader throw.
            while (reader.Read())
            {
            }
            return null;
        }
        catch (JsonException)
        {
            return $"{part} is not well-formed JSON";
        }
        catch (InvalidOperationException)
        {
            return $"{part} is not well-formed JSON";
        }
    }

    private static bool IsIntegerNumericDate(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number
        && reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0
        && reader.TryGetInt64(out var value)
        && value is >= 0 and <= MaximumNumericDate;
}
