#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# Run TAP test files (any executable) under TAP::Harness and end with one
# line "N passed, M failed, K skipped" over all individual results.
use strict;
use warnings;
use TAP::Harness;

my $verbose = shift @ARGV;
my $harness = TAP::Harness->new({
	verbosity => $verbose ? 1 : 0,
	timer     => 1,
	merge     => 0,
	color     => -t STDOUT ? 1 : 0,
	exec      => sub { my (undef, $file) = @_; return [$file]; },
	failures  => 1,
});
my $agg = $harness->runtests(@ARGV);

my ($pass, $fail, $skip) = (0, 0, 0);
for my $parser ($agg->parsers) {
	$skip += scalar($parser->skipped);
	$fail += scalar($parser->failed);
	$pass += scalar($parser->passed) - scalar($parser->skipped);
	# A file that died or missed its plan counts as one failure more.
	$fail++ if $parser->exit && !$parser->failed;
	$fail++ if $parser->tests_planned && $parser->tests_run != $parser->tests_planned;
}
printf "%d passed, %d failed, %d skipped\n", $pass, $fail, $skip;
exit($agg->all_passed ? 0 : 1);
