#!/bin/sh
# Upgrade Keqiao in place (docs/operator-guide.md §13). Run as root from the source tree:
#
#   deploy/upgrade.sh --dry-run [REF]   # what would change: new commits, pending migrations
#   deploy/upgrade.sh [REF]             # the upgrade; REF (a tag or commit) is checked out first
#
# Steps: environment check, backup, maintenance on, stop beat then the workers (running tasks finish),
# new code, pip install -r requirements.lock, migrate, compile_translations, collectstatic,
# rebuild_search_index (what `manage.py upgrade` does in one go), restart gunicorn, start the workers then beat, wait for
# /healthz, maintenance off. Any failure stops the script with maintenance mode still on.
#
# Settings (environment): KEQIAO_ENV (/etc/keqiao/keqiao.env), KEQIAO_USER (keqiao),
# KEQIAO_BACKUP_DIR (/srv/keqiao-backups; "" skips the backup), KEQIAO_HEALTH_URL
# (http://127.0.0.1:8000/healthz), KEQIAO_HOST (the first of ALLOWED_HOSTS).
set -eu

DRY_RUN=false
if [ "${1:-}" = "--dry-run" ]; then DRY_RUN=true; shift; fi
REF=${1:-}

cd "$(dirname "$0")/.."
ENV_FILE=${KEQIAO_ENV:-/etc/keqiao/keqiao.env}
RUN_AS=${KEQIAO_USER:-keqiao}
BACKUP_DIR=${KEQIAO_BACKUP_DIR-/srv/keqiao-backups}
HEALTH_URL=${KEQIAO_HEALTH_URL:-http://127.0.0.1:8000/healthz}

say() { printf '== %s\n' "$*"; }
# manage.py as root (writes into the source tree: translations, static files) ...
manage_root() { ( set -a && . "$ENV_FILE" && set +a && exec .venv/bin/python manage.py "$@" ); }
# ... and as the service user (the database, the data directory), with the services' environment.
manage() {
  if [ "$(id -un)" = "$RUN_AS" ]; then
    ( set -a && . "$ENV_FILE" && set +a && exec .venv/bin/python manage.py "$@" )
  else
    runuser -u "$RUN_AS" -- sh -c 'set -a && . "$0" && set +a && exec .venv/bin/python manage.py "$@"' "$ENV_FILE" "$@"
  fi
}

[ -r "$ENV_FILE" ] || { echo "keqiao: $ENV_FILE cannot be read (KEQIAO_ENV)" >&2; exit 78; }
manage check_env_file "$ENV_FILE"

if [ "$DRY_RUN" = true ]; then
  say "dry run: nothing is changed"
  if [ -n "$REF" ]; then
    git fetch --quiet --tags
    say "commits from $(git rev-parse --short HEAD) to $REF:"
    git log --oneline "HEAD..$REF"
    say "migrations added by $REF (not installed yet):"
    git diff --name-only --diff-filter=A "HEAD" "$REF" -- 'keqiao/*/migrations/*.py' | sed 's/^/  /'
    say "requirements.lock changes:"
    git diff --stat "HEAD" "$REF" -- requirements.lock
  fi
  say "migrations not applied yet with the installed code:"
  manage upgrade --dry-run
  exit 0
fi

if [ -n "$BACKUP_DIR" ]; then
  say "backup into $BACKUP_DIR"
  manage backup "$BACKUP_DIR" | tail -n 1
fi

say "maintenance on"
manage maintenance on --note "upgrade to ${REF:-the installed code}"

say "stopping beat, then the workers (running tasks finish first)"
systemctl stop keqiao-beat.service
systemctl stop keqiao-worker.service

if [ -n "$REF" ]; then
  say "checking out $REF"
  git fetch --quiet --tags
  git -c advice.detachedHead=false checkout --quiet "$REF"
fi

say "installing the pinned dependencies"
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.lock

say "migrate"
manage migrate --noinput
say "compile_translations, collectstatic"
manage_root compile_translations
manage_root collectstatic --noinput --verbosity 0
say "rebuild_search_index"
manage rebuild_search_index

say "restarting the application, then the workers and beat"
systemctl restart keqiao.service
systemctl start keqiao-worker.service
systemctl start keqiao-beat.service

HOST=${KEQIAO_HOST:-$( ( set -a && . "$ENV_FILE" && echo "${ALLOWED_HOSTS%%,*}" ) )}
say "waiting for $HEALTH_URL"
i=0
until curl -fsS -o /dev/null -H "Host: $HOST" "$HEALTH_URL" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -ge 60 ]; then
    echo "keqiao: $HEALTH_URL did not answer 200 within 120 s; maintenance mode stays on (journalctl -u keqiao)" >&2
    exit 1
  fi
  sleep 2
done

say "maintenance off"
manage maintenance off
say "upgrade done: $(git rev-parse --short HEAD)"
