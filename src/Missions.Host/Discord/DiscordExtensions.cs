using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Missions.Discord;
using Missions.Host.Outbox;

namespace Missions.Host.Discord;

public static class DiscordExtensions
{
    /// <summary>The largest interaction accepted; Discord's are a few kilobytes.</summary>
    public const int MaxInteractionBytes = 256 * 1024;

    public static IHostApplicationBuilder AddDiscord(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DiscordOptions>().Bind(builder.Configuration.GetSection(DiscordOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidation>();
        services.AddSingleton(sp =>
        {
            var discord = sp.GetRequiredService<IOptions<DiscordOptions>>().Value;
            return new DiscordRestOptions { BaseAddress = discord.ApiBase, BotToken = string.IsNullOrWhiteSpace(discord.BotToken) ? null : discord.BotToken.Trim() };
        });
        services.AddSingleton<DiscordRateLimits>();
        services.AddHttpClient("discord", c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton(sp => new DiscordRestClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("discord"), sp.GetRequiredService<DiscordRestOptions>(), sp.GetRequiredService<DiscordRateLimits>()));
        // Messages already written for Discord conversations are delivered even while the endpoint is switched off.
        services.AddSingleton<IOutboxTransport, DiscordOutboxTransport>();
        services.AddScoped<DiscordAdapter>();
        services.AddSingleton<DiscordGatewayService>();
        services.AddHostedService(sp => sp.GetRequiredService<DiscordGatewayService>());
        services.AddKeyedScoped<Conversations.IChannelAdapter>(DiscordAdapter.Name, (sp, _) => sp.GetRequiredService<DiscordAdapter>());
        return builder;
    }

    public static IEndpointRouteBuilder MapDiscord(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<DiscordOptions>>().Value;
        if (options.IsEnabled && InteractionSignature.TryCreate(options.PublicKey.Trim(), out var signature))
        {
            app.MapPost("/api/discord/interactions", (HttpContext http, CancellationToken cancellationToken) => InteractionsAsync(http, signature!, cancellationToken))
                .ExcludeFromDescription().AllowAnonymous();
        }

        return app;
    }

    /// <summary>
    /// The interactions endpoint. The signature is checked over the raw bytes before anything reads them (Discord
    /// sends forged requests on purpose to check this): a missing header, bad hex, a wrong length, a bad signature, or
    /// a signed timestamp that is not within five minutes of now (a replay) is 401 and nothing is handled. A PING is
    /// answered inline with a PONG; everything else within Discord's 3 seconds.
    /// </summary>
    private static async Task<IResult> InteractionsAsync(HttpContext http, InteractionSignature signature, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > MaxInteractionBytes)
        {
            return TooLarge();
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxInteractionBytes)
        {
            return TooLarge();
        }

        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!signature.Verify(http.Request.Headers[InteractionSignature.SignatureHeader], http.Request.Headers[InteractionSignature.TimestampHeader], body.Span))
        {
            return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "The request's Ed25519 signature is missing or does not verify.");
        }

        if (!InteractionSignature.IsFresh(http.Request.Headers[InteractionSignature.TimestampHeader], http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()))
        {
            return Results.Problem(statusCode: 401, title: "Unauthorized",
                detail: $"The request's signed timestamp is not a time within {InteractionSignature.MaxSkew.TotalMinutes:0} minutes of now.");
        }

        Interaction? interaction;
        try
        {
            interaction = JsonSerializer.Deserialize<Interaction>(body.Span, DiscordJson.Options);
        }
        catch (JsonException e)
        {
            return Results.Problem(statusCode: 400, title: "The body is not a Discord interaction.",
                detail: e.Path is { } path ? $"The JSON is malformed or has a value of the wrong type at {path}." : "The body is not valid JSON.");
        }

        if (interaction is null || interaction.Type == 0)
        {
            return Results.Problem(statusCode: 400, title: "The interaction has no type.");
        }

        var adapter = http.RequestServices.GetRequiredService<DiscordAdapter>();
        var answer = await adapter.HandleAsync(interaction, Encoding.UTF8.GetString(body.Span), cancellationToken);
        return Results.Text(answer, "application/json", Encoding.UTF8, 200);

        static IResult TooLarge() => Results.Problem(statusCode: 413, title: "The interaction is too large.");
    }
}
