"""q4: the first line read as proof of a broken update (it is what a correct run prints too)."""

predicted_digit = 6
q4_verdict = "A"
