using System.Net;
using AuthBench.Contracts.Arms;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace AuthBench.Api.Tests;

/// <summary><c>--store-connections N</c>: N multiplexers, each with its own client connections, all of which serve the arm.</summary>
public sealed class StoreConnectionsTests(StoreFixture redis) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task Eight_store_connections_open_eight_times_the_clients_of_one_and_every_request_still_answers()
    {
        var one = await ClientsWhileServingAsync(1);
        var eight = await ClientsWhileServingAsync(8);

        Assert.True(one > 0, "the API opened no store connection");
        Assert.Equal(8 * one, eight);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("many")]
    public void Store_connections_outside_1_to_64_are_refused_with_what_to_set(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => AuthBenchOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["scheme"] = ArmCatalogue.Session.Name, ["store-connections"] = value })
            .Build()));

        Assert.Contains("--store-connections", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts the session arm with <paramref name="connections"/> multiplexers, sends requests, and counts its store clients.</summary>
    private async Task<int> ClientsWhileServingAsync(int connections)
    {
        var settings = new Dictionary<string, string?>(ApiFactory.Session(redis.ConnectionString).Settings)
        {
            ["store-connections"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var factory = new ApiFactory(settings);
        var client = factory.CreateBareClient();
        var id = await client.LoginSessionAsync("user5");
        for (var i = 0; i < 3 * connections; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
            request.Headers.Add("Cookie", $"{ArmCatalogue.SessionCookieName}={id}");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var clients = await mux.GetServer(mux.GetEndPoints()[0]).ClientListAsync();
        return clients.Count(c => c.Name == "authbench");
    }
}
