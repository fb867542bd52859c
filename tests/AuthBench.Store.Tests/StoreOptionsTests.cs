namespace AuthBench.Store.Tests;

public class StoreOptionsTests
{
    [Theory]
    [InlineData("auto", StoreMode.Auto, false)]
    [InlineData("redis-server", StoreMode.RedisServer, false)]
    [InlineData("docker", StoreMode.Docker, false)]
    [InlineData("docker-host", StoreMode.DockerHost, true)]
    [InlineData("garnet", StoreMode.Garnet, false)]
    [InlineData(" GARNET ", StoreMode.Garnet, false)]
    public void Mode_names_select_that_mode(string value, StoreMode mode, bool hostNetwork)
    {
        var options = StoreOptions.Parse(value);

        Assert.Equal(mode, options.Mode);
        Assert.Equal(hostNetwork, options.DockerHostNetwork);
        Assert.Null(options.ConnectionString);
    }

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("localhost:6380,password=secret,ssl=false")]
    [InlineData("redis-a:7000,redis-b:7001,redis-c:7002,password=x")]
    public void Anything_else_is_an_external_connection_string(string value)
    {
        var options = StoreOptions.Parse(value);

        Assert.Equal(StoreMode.External, options.Mode);
        Assert.Equal(value, options.ConnectionString);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("external")]
    [InlineData("password=secret")]
    [InlineData("127.0.0.1:6379,connectTimeout=soon")]
    [InlineData("127.0.0.1:6379,nonsenseOption=1")]
    public void Bad_input_is_rejected_with_a_one_line_message(string? value)
    {
        var ex = Assert.Throws<StoreConfigurationException>(() => StoreOptions.Parse(value));

        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Passwords_do_not_appear_in_error_messages()
    {
        var ex = Assert.Throws<StoreConfigurationException>(() => StoreOptions.Parse("127.0.0.1:6379,password=hunter2,connectTimeout=soon"));

        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public void Default_image_is_the_locally_built_one_unless_overridden()
    {
        var expected = Environment.GetEnvironmentVariable("AUTHBENCH_REDIS_IMAGE") is { Length: > 0 } image ? image : StoreOptions.LocalImage;

        Assert.Equal(expected, new StoreOptions().DockerImage);
        Assert.Equal(TimeSpan.FromSeconds(30), new StoreOptions().StartTimeout);
    }

    [Theory]
    [InlineData(StoreKind.External, "external")]
    [InlineData(StoreKind.RedisServer, "redis-server")]
    [InlineData(StoreKind.Docker, "docker")]
    [InlineData(StoreKind.Garnet, "garnet")]
    public void Kind_names_are_stable(StoreKind kind, string name) => Assert.Equal(name, kind.ToKindName());
}
