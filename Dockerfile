# The Missions host as a container: built on the official .NET SDK image, run on the ASP.NET Core runtime image as
# its non-root user. Listens on 8080 (ASPNETCORE_HTTP_PORTS, as the image sets it); /app/data is the only writable
# path (the SQLite file and the content folder when no database server or Blob container is configured).
#   docker build -t missions .
#   docker run -p 8080:8080 -v missions-data:/app/data missions

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The build packs the web chat page's browser bundles from npm (WebChat/client/fetch-client.mjs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .editorconfig marks the dotnet-ef migrations as generated code (the analyzers, warnings as errors, skip them).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# The Discord commands are built into the host.
COPY manifests/discord/ manifests/discord/
RUN dotnet publish src/Missions.Host/Missions.Host.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# A TrueType font for the PDF briefs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "Missions.Host.dll", "health"]
ENTRYPOINT ["dotnet", "Missions.Host.dll"]
