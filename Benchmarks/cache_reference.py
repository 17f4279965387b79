"""Baseline for `kalypso-bench cache`: the dashboard's reads with Python's sqlite3 on the same cache file.

Usage: cache_reference.py DB NETWORK_KEY OPERATOR NOW — prints the same summary line as the Swift side.
"""
import sqlite3
import sys

path, key, op, now = sys.argv[1], sys.argv[2], sys.argv[3].lower(), int(sys.argv[4])
c = sqlite3.connect(path)
c.execute("PRAGMA busy_timeout = 30000")
(n,) = c.execute("SELECT id FROM cache_network WHERE key = ?", (key,)).fetchone()
markets = c.execute("SELECT marketId, proverCount, openJobCount FROM cache_market WHERE networkId = ? ORDER BY marketId",
                    (n,)).fetchall()
ours = c.execute("SELECT marketId FROM cache_market_prover WHERE networkId = ? AND prover = ?", (n, op)).fetchall()
ours_ids = {m for (m,) in ours}
# Open, not expired (an unassigned job past its expiry): the clock is NOW in seconds, unknown in blocks.
due = c.execute("""SELECT jobId FROM cache_job WHERE networkId = ? AND outcome IS NULL
                   AND NOT (prover IS NULL AND expiry <= CASE deadlineUnit WHEN 'second' THEN ? ELSE ? END)
                   ORDER BY dueAt LIMIT 50""", (n, now, -(2**63))).fetchall()
stake = c.execute("SELECT total, locked FROM cache_stake_balance WHERE networkId = ? AND prover = ? ORDER BY token",
                  (n, op)).fetchall()
row = c.execute("SELECT rewardAddress FROM cache_prover WHERE networkId = ? AND prover = ?", (n, op)).fetchone()
reward = row[0] if row else op
earned = c.execute("""SELECT amount FROM cache_reward_event WHERE networkId = ? AND address = ? AND timestamp >= ?
                      ORDER BY timestamp, blockNumber, logIndex""", (n, reward, now - 86400)).fetchall()
total = sum(int(a) for (a,) in earned)
print("markets=" + ",".join(f"{m}:{p}/{o}" for m, p, o in markets)
      + f" ours={sum(1 for m, _, _ in markets if m in ours_ids)}"
      + " due=" + ",".join(str(j) for (j,) in due)
      + " stake=" + ",".join(f"{t}/{l}" for t, l in stake)
      + f" earned={total}/{len(earned)}")
